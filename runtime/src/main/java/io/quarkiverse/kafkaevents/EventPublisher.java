package io.quarkiverse.kafkaevents;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Publishes {@link EventTopic} events to their Kafka topics, as CloudEvents.
 * <p>
 * Every returned {@link Uni} completes when the broker has acknowledged the record (with {@code acks=all} by default),
 * and fails with a {@link PublishException} naming the event type and topic when it has not. Nothing is sent until the
 * {@code Uni} is subscribed to.
 */
public interface EventPublisher {

    /**
     * Publishes one event.
     *
     * @param event an instance of an {@link EventTopic} type
     */
    Uni<Void> publish(Object event);

    /**
     * Publishes one event with extra headers, key, subject or CloudEvents extension attributes.
     */
    Uni<Void> publish(Object event, EventMetadata metadata);

    /**
     * Publishes a batch; the {@code Uni} completes when every event was acknowledged, and fails if any was not (the
     * others are still sent).
     */
    Uni<Void> publishAll(List<?> events);

    /**
     * Publishes a batch with the same metadata for every event.
     */
    Uni<Void> publishAll(List<?> events, EventMetadata metadata);
}
