package io.quarkiverse.kafkaevents;

/**
 * Notified of what happens to events, for metrics, audits or alerts of your own. Declare beans implementing it;
 * every method has an empty default. Methods are called on the thread doing the work and must be quick and must not
 * block; an exception they throw is logged and ignored.
 */
public interface EventMonitor {

    /** An event was acknowledged by the broker ({@link EventObservation#failure()} is {@code null}) or not. */
    default void published(EventObservation observation) {
    }

    /** A record was read and routed to handlers. */
    default void received(EventObservation observation) {
    }

    /** The handlers of a record finished successfully; {@link EventObservation#duration()} is their total time. */
    default void handled(EventObservation observation) {
    }

    /** A handler attempt failed. */
    default void failed(EventObservation observation) {
    }

    /** A failed record will be tried again. */
    default void retried(EventObservation observation) {
    }

    /** A record was written to its dead-letter topic. */
    default void deadLettered(EventObservation observation) {
    }

    /** A record was skipped: no handler for its type, or an {@code EventFailureHandler} chose to skip it. */
    default void skipped(EventObservation observation) {
    }
}
