package io.quarkiverse.kafkaevents.runtime.internal.failure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.RetryOverrides;

/**
 * Attempts, backoff and exception classification, from {@code quarkus.kafka-events.failure.*}.
 */
final class RetryPolicy {

    private final int maxAttempts;
    private final long initialMillis;
    private final double multiplier;
    private final long maxMillis;
    private final double jitter;
    private final List<String> retryable;
    private final List<String> nonRetryable;

    RetryPolicy(int maxAttempts, Duration initial, double multiplier, Duration max, double jitter,
            List<String> retryable, List<String> nonRetryable) {
        this.maxAttempts = Math.max(1, maxAttempts);
        this.initialMillis = initial.toMillis();
        this.multiplier = multiplier;
        this.maxMillis = max.toMillis();
        this.jitter = jitter;
        this.retryable = List.copyOf(retryable);
        this.nonRetryable = List.copyOf(nonRetryable);
    }

    /**
     * The policy of the global settings, overridden by those given, the most specific last (an event type's, then a
     * handler's); {@code null} overrides are ignored. Mode {@code none} allows one attempt whatever the settings.
     */
    static RetryPolicy of(KafkaEventsConfig.FailureConfig failure, KafkaEventsFixedConfig.FailureMode mode,
            RetryOverrides... overrides) {
        KafkaEventsConfig.RetryConfig retry = failure.retry();
        int maxAttempts = retry.maxAttempts();
        Duration initial = retry.initialBackoff();
        double multiplier = retry.multiplier();
        Duration max = retry.maxBackoff();
        double jitter = retry.jitter();
        for (RetryOverrides override : overrides) {
            if (override != null) {
                maxAttempts = override.maxAttempts().orElse(maxAttempts);
                initial = override.initialBackoff().orElse(initial);
                multiplier = override.multiplier().orElse(multiplier);
                max = override.maxBackoff().orElse(max);
                jitter = override.jitter().orElse(jitter);
            }
        }
        int attempts = mode == KafkaEventsFixedConfig.FailureMode.NONE ? 1 : maxAttempts;
        return new RetryPolicy(attempts, initial, multiplier, max, jitter, failure.retryable().orElse(List.of()),
                failure.nonRetryable().orElse(List.of()));
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** Whether the failure may be retried at all, whatever the attempt. */
    boolean retryable(Throwable failure) {
        if (matches(failure, nonRetryable)) {
            return false;
        }
        return retryable.isEmpty() || matches(failure, retryable);
    }

    /**
     * The wait before the attempt following {@code attempt} (counted from 1); never more than the max-backoff, jitter
     * included (at the cap, jitter only shortens the wait).
     */
    Duration backoff(int attempt) {
        double millis = initialMillis * Math.pow(multiplier, attempt - 1);
        millis = Math.min(millis, maxMillis);
        if (jitter > 0) {
            millis = Math.min(millis * (1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter)), maxMillis);
        }
        return Duration.ofMillis(Math.max(0, Math.round(millis)));
    }

    /** Whether the exception is an instance of one of the named types (walking its class hierarchy by name). */
    private static boolean matches(Throwable failure, List<String> types) {
        if (types.isEmpty()) {
            return false;
        }
        for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
            if (types.contains(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
