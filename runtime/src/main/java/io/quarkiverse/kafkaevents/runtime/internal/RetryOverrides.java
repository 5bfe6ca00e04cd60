package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Retry settings that override the global ones ({@code quarkus.kafka-events.failure.retry.*}) for an event type or a
 * handler method. A handler's settings win over its event type's, which win over the global ones.
 */
public interface RetryOverrides {

    /**
     * Attempts in all, the first one included; overrides {@code quarkus.kafka-events.failure.retry.max-attempts}.
     */
    OptionalInt maxAttempts();

    /**
     * Wait before the second attempt; overrides {@code quarkus.kafka-events.failure.retry.initial-backoff}.
     */
    Optional<Duration> initialBackoff();

    /**
     * Factor applied to the wait after each attempt; overrides
     * {@code quarkus.kafka-events.failure.retry.multiplier}.
     */
    OptionalDouble multiplier();

    /**
     * Longest wait between two attempts; overrides {@code quarkus.kafka-events.failure.retry.max-backoff}.
     */
    Optional<Duration> maxBackoff();

    /**
     * Random variation of each wait; overrides {@code quarkus.kafka-events.failure.retry.jitter}.
     */
    OptionalDouble jitter();
}
