package io.quarkiverse.kafkaevents.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Sizes of a run, from system properties ({@code -Dbenchmarks.records=...} on the Maven command line). The defaults fit
 * a 2-core machine in a few minutes; {@code -Dbenchmarks.full} selects the full sizes.
 */
public record BenchmarkSettings(
        boolean full,
        List<String> scenarios,
        int records,
        int warmups,
        int iterations,
        int batchSize,
        int window,
        List<Integer> latencyRates,
        Duration latencyWarmup,
        Duration latencyDuration,
        int latencyRounds,
        int startupBuilds,
        int startupLaunches,
        int startupEvents,
        String startupJvmOptions,
        int outboxRecords,
        int outboxWriters,
        List<Integer> outboxLatencyRates,
        int outboxLatencyThreads) {

    /** Whether the scenario ({@code publish}, {@code consume}, {@code latency}, {@code outbox} or {@code startup}) runs. */
    public boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    public static BenchmarkSettings fromSystemProperties() {
        boolean full = Boolean.parseBoolean(System.getProperty("benchmarks.full", "false").isEmpty() ? "true"
                : System.getProperty("benchmarks.full", "false"));
        return new BenchmarkSettings(full,
                List.of(System.getProperty("benchmarks.scenarios", "publish,consume,latency,outbox,startup").split(",")),
                Integer.getInteger("benchmarks.records", full ? 1_000_000 : 100_000),
                Integer.getInteger("benchmarks.warmups", 1),
                Integer.getInteger("benchmarks.iterations", full ? 10 : 4),
                Integer.getInteger("benchmarks.batch", 500),
                Integer.getInteger("benchmarks.window", 4096),
                rates("benchmarks.latency.rates", "1000,10000"),
                Duration.ofSeconds(Integer.getInteger("benchmarks.latency.warmup", 2)),
                Duration.ofSeconds(Integer.getInteger("benchmarks.latency.seconds", full ? 30 : 5)),
                Integer.getInteger("benchmarks.latency.rounds", full ? 3 : 2),
                Integer.getInteger("benchmarks.startup.builds", full ? 5 : 2),
                Integer.getInteger("benchmarks.startup.launches", full ? 10 : 3),
                Integer.getInteger("benchmarks.startup.events", full ? 10_000 : 3_000),
                System.getProperty("benchmarks.startup.jvm-options", "-Xmx256m"),
                Integer.getInteger("benchmarks.outbox.records", full ? 100_000 : 10_000),
                Integer.getInteger("benchmarks.outbox.writers", 8),
                rates("benchmarks.outbox.latency.rates", "500,2000"),
                Integer.getInteger("benchmarks.outbox.latency.threads", 32));
    }

    private static List<Integer> rates(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
    }
}
