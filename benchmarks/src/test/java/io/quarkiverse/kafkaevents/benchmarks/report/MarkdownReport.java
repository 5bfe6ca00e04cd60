package io.quarkiverse.kafkaevents.benchmarks.report;

import java.util.List;
import java.util.Map;

/** The human-readable report: the run's description, then one table per kind of result. */
final class MarkdownReport {

    private final Map<String, Object> environment;
    private final List<ThroughputRow> throughput;
    private final List<LatencyRow> latency;
    private final List<StartupRow> startup;
    private final StringBuilder out = new StringBuilder();

    MarkdownReport(Map<String, Object> environment, List<ThroughputRow> throughput, List<LatencyRow> latency,
            List<StartupRow> startup) {
        this.environment = environment;
        this.throughput = throughput;
        this.latency = latency;
        this.startup = startup;
    }

    String render() {
        out.append("# Kafka Events for Quarkus: benchmark results\n\n");
        environment.forEach((key, value) -> out.append("- ").append(key).append(": ").append(value).append('\n'));
        out.append("\n## Throughput\n\n");
        out.append("Median over the iterations; range is min–max; spread is (max − min) / median; the baseline is the"
                + " scenario's first contestant (the raw client; direct publishing in the outbox scenario). CPU is per"
                + " record: the benchmark JVM (client), the broker process and the dev PostgreSQL (outbox scenario"
                + " only); allocation is in the benchmark JVM.\n\n");
        out.append("| Scenario | Contestant | vs baseline | Median (records/s) | Range (records/s) | Spread |"
                + " Client CPU (µs/record) | Client cores | Broker CPU (µs/record) | Database CPU (µs/record) |"
                + " Allocated (B/record) |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ThroughputRow row : throughput) {
            out.append(String.format("| %s | %s | %.2f | %,.0f | %,.0f–%,.0f | %.0f%% | %.2f | %.2f | %.2f | %.2f |"
                    + " %,.0f |%n", row.scenario(), row.contestant(), row.ratioToRaw(), row.medianPerSecond(),
                    row.minPerSecond(), row.maxPerSecond(), row.spreadPercent(), row.clientCpuMicrosPerRecord(),
                    row.clientCores(), row.brokerCpuMicrosPerRecord(), row.databaseCpuMicrosPerRecord(),
                    row.allocatedBytesPerRecord()));
        }
        out.append("\n## End-to-end latency\n\n");
        out.append("From the scheduled send time in the payload to handler entry, all rounds pooled; p99 range is over"
                + " the rounds; ack is send to the broker's acknowledgement (in a transaction: the call to publish to"
                + " the acknowledgement; outbox: the commit to the acknowledgement of the record sent after it). CPU per"
                + " record includes what the JVM and the broker burn when idle (see the idle CPU above); the database's"
                + " is not counted here.\n\n");
        out.append("| Rate (/s) | Contestant | Kept up | Sent (/s) | Samples | p50 (ms) | p99 (ms) | p99.9 (ms) |"
                + " Max (ms) | p99 range (ms) | Ack p50 / p99 (ms) | Client CPU (µs/record) | Broker CPU (µs/record) |"
                + " Allocated (B/record) |\n");
        out.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (LatencyRow row : latency) {
            out.append(String.format("| %,d | %s | %s | %,.0f | %,d of %,d | %.2f | %.2f | %.2f | %.2f |"
                    + " %.2f–%.2f | %.2f / %.2f | %.2f | %.2f | %,.0f |%n", row.targetRate(), row.contestant(),
                    row.keptUp() ? "yes" : "no", row.achievedRate(), row.samples(), row.expected(), row.p50Millis(),
                    row.p99Millis(), row.p999Millis(), row.maxMillis(), row.p99MinMillis(), row.p99MaxMillis(),
                    row.ackP50Millis(), row.ackP99Millis(), row.clientCpuMicrosPerRecord(),
                    row.brokerCpuMicrosPerRecord(), row.allocatedBytesPerRecord()));
        }
        out.append("\n## Start-up, memory and build\n\n");
        out.append("The sample orders service written with plain SmallRye channels (the baseline) and with the extension,"
                + " each a fast-jar launched in prod mode: median (range) over the launches. Started is process launch to"
                + " Quarkus' \"started\" line as the harness saw it (Quarkus' own figure after the slash); RSS is VmRSS"
                + " then and after publishing and handling the events; CPU is the application process's; augmentation is"
                + " Quarkus' \"augmentation completed in\" of `mvn package`, whose whole wall time is the last column.\n\n");
        out.append("| Contestant | Started (ms) | vs SmallRye | RSS started (MB) | vs SmallRye | RSS after events (MB) |"
                + " Start-up CPU (ms) | Events: handled (ms) / CPU (ms) | Augmentation (ms) | vs SmallRye |"
                + " mvn package (ms) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StartupRow row : startup) {
            out.append(String.format("| %s | %,.0f (%,.0f–%,.0f) / %,.0f | %.2f | %.0f (%.0f–%.0f) | %.2f |"
                    + " %.0f (%.0f–%.0f) | %,.0f | %,d: %,.0f / %,.0f | %,.0f (%,.0f–%,.0f) | %.2f | %,.0f |%n",
                    row.contestant(), row.startedMillis(), row.startedMin(), row.startedMax(),
                    row.quarkusStartedMillis(), row.startedRatio(), row.rssStartedMb(), row.rssStartedMinMb(),
                    row.rssStartedMaxMb(), row.rssStartedRatio(), row.rssHandledMb(), row.rssHandledMinMb(),
                    row.rssHandledMaxMb(), row.startCpuMillis(), row.events(), row.handledMillis(),
                    row.eventsCpuMillis(), row.augmentationMillis(), row.augmentationMin(), row.augmentationMax(),
                    row.augmentationRatio(), row.mavenMillis()));
        }
        return out.toString();
    }
}
