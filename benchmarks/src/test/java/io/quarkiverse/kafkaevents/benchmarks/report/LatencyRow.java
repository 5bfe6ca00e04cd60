package io.quarkiverse.kafkaevents.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A latency contestant at one rate: percentiles over the samples of all rounds, the range of the per-round p99, the
 * publish-to-acknowledgement percentiles, and
 * whether the sender kept to the rate (achieved at least 95% of it, and never fell more than 100 ms behind).
 */
public record LatencyRow(String contestant, int targetRate, int rounds, long samples, long expected,
        double achievedRate, boolean keptUp, double p50Millis, double p99Millis, double p999Millis, double maxMillis,
        double p99MinMillis, double p99MaxMillis, double ackP50Millis, double ackP99Millis, double maxSenderLagMillis,
        double clientCpuMicrosPerRecord,
        double brokerCpuMicrosPerRecord, double allocatedBytesPerRecord) {

    public static List<LatencyRow> summarize(List<LatencyRound> rounds) {
        Map<String, List<LatencyRound>> grouped = new LinkedHashMap<>();
        for (LatencyRound round : rounds) {
            grouped.computeIfAbsent(round.targetRate() + "|" + round.contestant(), k -> new ArrayList<>()).add(round);
        }
        List<LatencyRow> rows = new ArrayList<>();
        for (List<LatencyRound> group : grouped.values()) {
            long[] all = Stats.merge(group.stream().map(LatencyRound::sortedNanos).toList());
            long[] acks = Stats.merge(group.stream().map(LatencyRound::sortedAcknowledgementNanos).toList());
            List<Double> p99s = group.stream().map(r -> millis(Stats.percentile(r.sortedNanos(), 0.99))).toList();
            double achieved = Stats.median(group.stream().map(LatencyRound::achievedRate).toList());
            long maxLag = group.stream().mapToLong(LatencyRound::maxSenderLagNanos).max().orElse(0);
            long sent = group.stream().mapToLong(LatencyRound::sent).sum();
            LatencyRound first = group.get(0);
            rows.add(new LatencyRow(first.contestant(), first.targetRate(), group.size(), all.length,
                    group.stream().mapToLong(LatencyRound::expected).sum(), achieved,
                    achieved >= 0.95 * first.targetRate() && maxLag < 100_000_000L,
                    millis(Stats.percentile(all, 0.5)), millis(Stats.percentile(all, 0.99)),
                    millis(Stats.percentile(all, 0.999)), millis(all.length == 0 ? -1 : all[all.length - 1]),
                    Stats.min(p99s), Stats.max(p99s), millis(Stats.percentile(acks, 0.5)),
                    millis(Stats.percentile(acks, 0.99)), maxLag / 1e6,
                    group.stream().mapToLong(LatencyRound::clientCpuNanos).sum() / 1e3 / sent,
                    group.stream().mapToLong(LatencyRound::brokerCpuNanos).sum() / 1e3 / sent,
                    (double) group.stream().mapToLong(LatencyRound::allocatedBytes).sum() / sent));
        }
        return rows;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
