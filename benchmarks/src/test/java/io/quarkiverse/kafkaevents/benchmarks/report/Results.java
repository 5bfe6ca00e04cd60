package io.quarkiverse.kafkaevents.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Collects the measurements of a run and writes {@code results.json} and {@code results.md}. */
public final class Results {

    private final Map<String, Object> environment = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<LatencyRound> latencyRounds = new ArrayList<>();
    private final List<StartupRun> startupRuns = new ArrayList<>();
    private final List<BuildRun> buildRuns = new ArrayList<>();

    /** Describes the run (machine, settings, memory): a line each in the report. */
    public void describe(String key, Object value) {
        environment.put(key, value);
    }

    public void add(Measurement measurement) {
        measurements.add(measurement);
        System.out.println(measurement);
    }

    public void add(LatencyRound round) {
        latencyRounds.add(round);
        System.out.printf("%s | latency %,6d/s | %-40s | round %d | %,d samples of %,d | p50 %.2f ms | p99 %.2f ms |"
                + " ack p99 %.2f ms | sent %.0f/s%n", LocalTime.now(), round.targetRate(), round.contestant(),
                round.round(), round.sortedNanos().length, round.expected(),
                Stats.percentile(round.sortedNanos(), 0.5) / 1e6, Stats.percentile(round.sortedNanos(), 0.99) / 1e6,
                Stats.percentile(round.sortedAcknowledgementNanos(), 0.99) / 1e6, round.achievedRate());
    }

    public void add(StartupRun run) {
        startupRuns.add(run);
        System.out.println(LocalTime.now() + " | " + run);
    }

    public void add(BuildRun build) {
        buildRuns.add(build);
        System.out.println(LocalTime.now() + " | " + build);
    }

    public List<Measurement> measurements() {
        return measurements;
    }

    public List<LatencyRound> latencyRounds() {
        return latencyRounds;
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("environment", environment);
        json.put("throughput", ThroughputRow.summarize(measurements));
        json.put("latency", LatencyRow.summarize(latencyRounds));
        json.put("startup", StartupRow.summarize(startupRuns, buildRuns));
        json.put("measurements", measurements);
        json.put("latencyRounds", latencyRounds.stream().map(Results::withoutSamples).toList());
        json.put("startupRuns", startupRuns);
        json.put("buildRuns", buildRuns);
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .writeValue(directory.resolve("results.json").toFile(), json);
        String markdown = new MarkdownReport(environment, ThroughputRow.summarize(measurements),
                LatencyRow.summarize(latencyRounds), StartupRow.summarize(startupRuns, buildRuns)).render();
        Files.writeString(directory.resolve("results.md"), markdown);
        System.out.println(markdown);
    }

    private static Map<String, Object> withoutSamples(LatencyRound round) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("contestant", round.contestant());
        map.put("targetRate", round.targetRate());
        map.put("round", round.round());
        map.put("samples", round.sortedNanos().length);
        map.put("expected", round.expected());
        map.put("p50Millis", Stats.percentile(round.sortedNanos(), 0.5) / 1e6);
        map.put("p99Millis", Stats.percentile(round.sortedNanos(), 0.99) / 1e6);
        map.put("p999Millis", Stats.percentile(round.sortedNanos(), 0.999) / 1e6);
        map.put("ackP50Millis", Stats.percentile(round.sortedAcknowledgementNanos(), 0.5) / 1e6);
        map.put("ackP99Millis", Stats.percentile(round.sortedAcknowledgementNanos(), 0.99) / 1e6);
        map.put("achievedRate", round.achievedRate());
        map.put("maxSenderLagMillis", round.maxSenderLagNanos() / 1e6);
        map.put("clientCpuNanos", round.clientCpuNanos());
        map.put("brokerCpuNanos", round.brokerCpuNanos());
        return map;
    }
}
