package io.quarkiverse.kafkaevents;

/**
 * An event that computes its own Kafka record key, as an alternative to {@link PartitionKey}.
 */
public interface DistributedEvent {

    /**
     * The key of the Kafka record; events with equal keys are handled in order. {@code null} publishes without a key.
     */
    String partitionKey();
}
