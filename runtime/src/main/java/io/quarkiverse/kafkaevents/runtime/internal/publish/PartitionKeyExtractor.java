package io.quarkiverse.kafkaevents.runtime.internal.publish;

/**
 * Reads the {@code @PartitionKey} members of one event type. Implementations are generated at build time, one per
 * event type with {@code @PartitionKey} members, as beans.
 */
public interface PartitionKeyExtractor {

    /** The event class this extractor reads. */
    String eventClass();

    /**
     * The record key of the event: the members' values, joined with {@code PartitionKey.SEPARATOR} in order.
     *
     * @throws IllegalArgumentException when a member's value is {@code null}
     */
    String extract(Object event);
}
