package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

/**
 * One time budget for the whole stop of the extension ({@code quarkus.kafka-events.shutdown.timeout}): the handlers'
 * drain, their final commits and the outbox's stop all take their waits from it, so the stop as a whole never exceeds
 * the timeout (a Kubernetes grace period, say), whatever the broker does. The clock starts at the first
 * {@link #remaining()} call of a stop.
 */
@Singleton
public class ShutdownBudget {

    private final Duration timeout;
    private final AtomicLong deadline = new AtomicLong();
    private volatile boolean started;

    ShutdownBudget(KafkaEventsConfig config) {
        this.timeout = config.shutdown().timeout();
    }

    /** The whole budget, as configured. */
    public Duration timeout() {
        return timeout;
    }

    /** What is left of the budget (never negative); the first call starts the clock. */
    public Duration remaining() {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    deadline.set(System.nanoTime() + timeout.toNanos());
                    started = true;
                }
            }
        }
        return Duration.ofNanos(Math.max(0, deadline.get() - System.nanoTime()));
    }

    /** Whether the stop has begun and its budget is spent. */
    public boolean spent() {
        return started && deadline.get() - System.nanoTime() <= 0;
    }
}
