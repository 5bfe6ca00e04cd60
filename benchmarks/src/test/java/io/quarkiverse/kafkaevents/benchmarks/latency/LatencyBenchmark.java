package io.quarkiverse.kafkaevents.benchmarks.latency;

import java.util.List;

import io.quarkiverse.kafkaevents.benchmarks.BenchmarkSettings;
import io.quarkiverse.kafkaevents.benchmarks.Interleaved;
import io.quarkiverse.kafkaevents.benchmarks.ResourceUsage;
import io.quarkiverse.kafkaevents.benchmarks.report.LatencyRound;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;

/**
 * End-to-end latency at fixed rates: each contestant sends at the rate for the warm-up plus the measured duration; the
 * latencies of the events scheduled in the measured part are kept. Rounds interleave the contestants; the warm-up
 * rounds (as many as the throughput benchmarks' warm-up iterations) are not recorded.
 */
public final class LatencyBenchmark {

    private static final long DRAIN_TIMEOUT_NANOS = 30_000_000_000L;

    private final BenchmarkSettings settings;
    private final List<LatencyContestant> contestants;
    private final List<Integer> rates;
    private final ResourceUsage usage;
    private final Results results;

    public LatencyBenchmark(BenchmarkSettings settings, List<LatencyContestant> contestants, ResourceUsage usage,
            Results results) {
        this(settings, settings.latencyRates(), contestants, usage, results);
    }

    /** At other rates than {@code benchmarks.latency.rates}. */
    public LatencyBenchmark(BenchmarkSettings settings, List<Integer> rates, List<LatencyContestant> contestants,
            ResourceUsage usage, Results results) {
        this.settings = settings;
        this.rates = rates;
        this.contestants = contestants;
        this.usage = usage;
        this.results = results;
    }

    public void run() throws Exception {
        Interleaved.run(settings.warmups(), settings.latencyRounds(), contestants, (round, order) -> {
            for (int rate : rates) {
                for (LatencyContestant contestant : order) {
                    measure(round, rate, contestant);
                }
            }
        });
    }

    private void measure(int round, int rate, LatencyContestant contestant) throws InterruptedException {
        Interleaved.settle();
        long start = System.nanoTime() + 100_000_000L;
        long windowStart = start + settings.latencyWarmup().toNanos();
        long end = windowStart + settings.latencyDuration().toNanos();
        int capacity = Math.toIntExact(rate * settings.latencyDuration().toSeconds() + rate);
        long failuresBefore = contestant.failures();
        contestant.recorder().arm(windowStart, end, capacity);
        contestant.acknowledgements().arm(windowStart, end, capacity);
        ResourceUsage.Sample before = usage.sample();
        Pacer.Run run = Pacer.run(rate, start, windowStart, end, contestant::send);
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while ((contestant.recorder().count() < run.sentInWindow()
                || contestant.acknowledgements().count() < run.sentInWindow()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ResourceUsage.Used used = before.until(usage.sample());
        long[] sorted = contestant.recorder().disarm();
        long[] acknowledged = contestant.acknowledgements().disarm();
        if (contestant.failures() != failuresBefore) {
            throw new AssertionError(contestant.name() + ": " + (contestant.failures() - failuresBefore)
                    + " sends failed at " + rate + "/s");
        }
        if (sorted.length != run.sentInWindow()) {
            throw new AssertionError(contestant.name() + " handled " + sorted.length + " of the " + run.sentInWindow()
                    + " events of the measured window at " + rate + "/s");
        }
        LatencyRound result = new LatencyRound(contestant.name(), rate, round, sorted, acknowledged, run.sentInWindow(),
                run.sent() * 1e9 / run.elapsedNanos(), run.maxLagNanos(), run.sent(), used.clientCpuNanos(),
                used.brokerCpuNanos(), used.allocatedBytes());
        if (round >= 0) {
            results.add(result);
        } else {
            System.out.println("warm-up: " + contestant.name() + " at " + rate + "/s");
        }
    }
}
