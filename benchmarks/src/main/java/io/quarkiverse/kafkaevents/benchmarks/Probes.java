package io.quarkiverse.kafkaevents.benchmarks;

import jakarta.inject.Singleton;

/**
 * Where the consumers running inside the application (SmallRye {@code @Incoming}, {@code @EventHandler}s) report to
 * the harness.
 */
@Singleton
public class Probes {

    public final Tally smallRyeWorker = new Tally();
    public final Tally smallRyeNonBlocking = new Tally();
    public final Tally handlerUni = new Tally();
    public final Tally handlerBlocking = new Tally();
    public final Tally handlerBatch = new Tally();
    public final Tally relayAtLeastOnce = new Tally();
    public final Tally relayTransaction = new Tally();
    public final Tally relayInbox = new Tally();
    public final LatencyRecorder handlerLatency = new LatencyRecorder();
    public final LatencyRecorder outboxHandlerLatency = new LatencyRecorder();
}
