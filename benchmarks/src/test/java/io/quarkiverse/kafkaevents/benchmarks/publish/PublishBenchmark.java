package io.quarkiverse.kafkaevents.benchmarks.publish;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.quarkiverse.kafkaevents.benchmarks.BenchmarkSettings;
import io.quarkiverse.kafkaevents.benchmarks.Interleaved;
import io.quarkiverse.kafkaevents.benchmarks.ResourceUsage;
import io.quarkiverse.kafkaevents.benchmarks.report.Measurement;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;

/**
 * Publish throughput: each contestant publishes {@code records} events to the 1-partition topic, then to the
 * 6-partition one, timed from the first send to the last acknowledgement.
 */
public final class PublishBenchmark {

    private final BenchmarkSettings settings;
    private final List<PublishContestant> contestants;
    private final ResourceUsage usage;
    private final Results results;
    private final Map<PublishTarget, Long> published = new EnumMap<>(PublishTarget.class);

    public PublishBenchmark(BenchmarkSettings settings, List<PublishContestant> contestants, ResourceUsage usage,
            Results results) {
        this.settings = settings;
        this.contestants = contestants;
        this.usage = usage;
        this.results = results;
    }

    public void run() throws Exception {
        Interleaved.run(settings.warmups(), settings.iterations(), contestants, (iteration, order) -> {
            for (PublishTarget target : PublishTarget.values()) {
                for (PublishContestant contestant : order) {
                    measure(iteration, target, contestant);
                }
            }
        });
    }

    /** Records acknowledged per topic, warm-ups included. */
    public Map<PublishTarget, Long> published() {
        return published;
    }

    private void measure(int iteration, PublishTarget target, PublishContestant contestant)
            throws InterruptedException {
        Interleaved.settle();
        int records = settings.records();
        Window window = new Window(settings.window());
        ResourceUsage.Sample before = usage.sample();
        contestant.publish(target, records, window);
        long acknowledged = window.drain();
        ResourceUsage.Used used = before.until(usage.sample());
        if (acknowledged != records) {
            throw new AssertionError(contestant.name() + " had " + acknowledged + " of " + records
                    + " records acknowledged on " + target.topic);
        }
        published.merge(target, acknowledged, Long::sum);
        Measurement measurement = Measurement.of(target.label(), contestant.name(), iteration, records, used);
        if (iteration >= 0) {
            results.add(measurement);
        } else {
            System.out.println(measurement);
        }
    }
}
