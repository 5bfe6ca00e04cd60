package io.quarkiverse.kafkaevents.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A contestant's result in a throughput scenario: median over the iterations, min and max, ratio of the medians to the
 * scenario's baseline (its first contestant: the raw client, or direct publishing in the outbox scenario), median CPU
 * (the database's too, where one is involved) and allocation.
 */
public record ThroughputRow(String scenario, String contestant, int iterations, double ratioToRaw,
        double medianPerSecond, double minPerSecond, double maxPerSecond, double spreadPercent,
        double clientCpuMicrosPerRecord, double brokerCpuMicrosPerRecord, double clientCores,
        double allocatedBytesPerRecord, double databaseCpuMicrosPerRecord) {

    /** Rows per scenario and contestant, in the order they were first measured. */
    public static List<ThroughputRow> summarize(List<Measurement> measurements) {
        Map<String, Map<String, List<Measurement>>> grouped = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            grouped.computeIfAbsent(m.scenario(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(m.contestant(), c -> new ArrayList<>()).add(m);
        }
        List<ThroughputRow> rows = new ArrayList<>();
        for (Map<String, List<Measurement>> scenario : grouped.values()) {
            double baseline = Double.NaN;
            for (List<Measurement> runs : scenario.values()) {
                double median = median(runs, Measurement::recordsPerSecond);
                if (Double.isNaN(baseline)) {
                    baseline = median;
                }
                List<Double> rates = runs.stream().map(Measurement::recordsPerSecond).toList();
                rows.add(new ThroughputRow(runs.get(0).scenario(), runs.get(0).contestant(), runs.size(),
                        median / baseline, median, Stats.min(rates), Stats.max(rates),
                        100 * (Stats.max(rates) - Stats.min(rates)) / median,
                        median(runs, Measurement::clientCpuMicrosPerRecord),
                        median(runs, Measurement::brokerCpuMicrosPerRecord),
                        median(runs, Measurement::clientCores),
                        median(runs, Measurement::allocatedBytesPerRecord),
                        median(runs, Measurement::databaseCpuMicrosPerRecord)));
            }
        }
        return rows;
    }

    private static double median(List<Measurement> runs, ToDoubleFunction<Measurement> value) {
        return Stats.median(runs.stream().map(value::applyAsDouble).toList());
    }
}
