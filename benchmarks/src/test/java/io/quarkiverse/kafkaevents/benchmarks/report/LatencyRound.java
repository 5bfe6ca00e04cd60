package io.quarkiverse.kafkaevents.benchmarks.report;

/**
 * One paced run of a latency contestant: the sorted latencies (nanoseconds) of the events scheduled in the measured
 * window, end to end and to the broker's acknowledgement, and what the sender managed.
 */
public record LatencyRound(String contestant, int targetRate, int round, long[] sortedNanos,
        long[] sortedAcknowledgementNanos, long expected,
        double achievedRate, long maxSenderLagNanos, long sent, long clientCpuNanos, long brokerCpuNanos,
        long allocatedBytes) {
}
