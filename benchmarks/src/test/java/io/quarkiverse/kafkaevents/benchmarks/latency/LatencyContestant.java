package io.quarkiverse.kafkaevents.benchmarks.latency;

import io.quarkiverse.kafkaevents.benchmarks.LatencyRecorder;

/** A publisher and a consumer: events sent at a fixed rate, latency taken on the consumer side. */
public interface LatencyContestant {

    String name();

    /** Publishes one event whose payload says it was sent at {@code sentAt} ({@link System#nanoTime()}). */
    void send(long sentAt);

    /** Where the consumer side records latencies. */
    LatencyRecorder recorder();

    /** Where the publisher side records the time from sending to the broker's acknowledgement. */
    LatencyRecorder acknowledgements();

    /** Sends that failed so far. */
    long failures();
}
