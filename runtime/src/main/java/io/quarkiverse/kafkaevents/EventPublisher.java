package io.quarkiverse.kafkaevents;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Publishes {@link EventTopic} events to their Kafka topics, as CloudEvents.
 * <p>
 * Publishing happens when the method is called, whether or not anyone subscribes to the returned {@link Uni}: the
 * record is handed to the Kafka producer at once ({@code immediate} delivery), held until the caller's transaction
 * commits ({@code after-commit}), or written to the outbox table in the caller's transaction ({@code outbox}). The
 * {@code Uni} only reports the outcome: it completes when the broker has acknowledged the record (with
 * {@code acks=all} by default; for {@code after-commit} and {@code outbox}, when the event is held or written), and
 * fails with a {@link PublishException} naming the event type and topic when it has not. It remembers its outcome:
 * subscribing twice, or late, never publishes again. To try again after a failure, call {@code publish} again
 * (re-subscribing to the same {@code Uni}, as {@code onFailure().retry()} does, only repeats the failure).
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
