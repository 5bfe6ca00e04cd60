package io.quarkiverse.kafkaevents;

/**
 * A failed attempt to handle an event.
 */
public interface EventFailure {

    /** The event. */
    Object event();

    /** Where it came from. */
    EventContext context();

    /** What the handler threw or failed with. */
    Throwable cause();

    /** The attempt that failed, from 1. */
    int attempt();

    /** The handler, as {@code Class#method}. */
    String handler();
}
