package io.quarkiverse.kafkaevents.benchmarks.consume;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.ConsumeEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchmarkSettings;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.Interleaved;
import io.quarkiverse.kafkaevents.benchmarks.RawKafka;
import io.quarkiverse.kafkaevents.benchmarks.ResourceUsage;
import io.quarkiverse.kafkaevents.benchmarks.report.Measurement;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;

/**
 * Consume-and-handle throughput. Every iteration, a raw producer appends {@code records} CloudEvents (binary mode) to
 * one topic while all contestants are idle; then each contestant in turn, in its own consumer group, reads them:
 * timed from its start to its {@code records}-th handled event.
 */
public final class ConsumeBenchmark {

    public static final String TOPIC = "bench.consume";
    public static final String SCENARIO = "consume, 6 partitions";

    private final BenchmarkSettings settings;
    private final List<ConsumeContestant> contestants;
    private final RawKafka kafka;
    private final ResourceUsage usage;
    private final Results results;
    private final String scenario;

    public ConsumeBenchmark(BenchmarkSettings settings, List<ConsumeContestant> contestants, RawKafka kafka,
            ResourceUsage usage, Results results) {
        this(SCENARIO, settings, contestants, kafka, usage, results);
    }

    /** The same measurement under another scenario name (handlers that also publish, say). */
    public ConsumeBenchmark(String scenario, BenchmarkSettings settings, List<ConsumeContestant> contestants,
            RawKafka kafka, ResourceUsage usage, Results results) {
        this.scenario = scenario;
        this.settings = settings;
        this.contestants = contestants;
        this.kafka = kafka;
        this.usage = usage;
        this.results = results;
    }

    public void run() throws Exception {
        try (KafkaProducer<String, byte[]> producer = kafka.newProducer()) {
            Interleaved.run(settings.warmups(), settings.iterations(), contestants, (iteration, order) -> {
                prefill(producer);
                for (ConsumeContestant contestant : order) {
                    measure(iteration, contestant);
                }
            });
        }
        long expected = (long) (settings.warmups() + settings.iterations()) * settings.records();
        for (ConsumeContestant contestant : contestants) {
            if (contestant.tally().total() != expected) {
                throw new AssertionError(contestant.name() + " handled " + contestant.tally().total()
                        + " events, expected " + expected);
            }
        }
    }

    private void prefill(KafkaProducer<String, byte[]> producer) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int i = 0; i < settings.records(); i++) {
            producer.send(kafka.record(TOPIC, "ConsumeEvent", Events.next(ConsumeEvent::new)),
                    (metadata, e) -> failure.compareAndSet(null, e));
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Could not pre-fill " + TOPIC, failure.get());
        }
    }

    private void measure(int iteration, ConsumeContestant contestant) throws InterruptedException {
        Interleaved.settle();
        int records = settings.records();
        contestant.tally().expect(records);
        ResourceUsage.Sample before = usage.sample();
        contestant.start();
        boolean complete = contestant.tally().await(Duration.ofSeconds(Math.max(60, records / 1000)));
        ResourceUsage.Used used = before.until(usage.sample());
        contestant.stop();
        if (!complete) {
            throw new AssertionError(contestant.name() + " did not handle " + records + " events in time");
        }
        Measurement measurement = Measurement.of(scenario, contestant.name(), iteration, records, used);
        if (iteration >= 0) {
            results.add(measurement);
        } else {
            System.out.println(measurement);
        }
    }
}
