package io.quarkiverse.kafkaevents.benchmarks.outbox;

import java.time.Duration;
import java.util.List;

import io.quarkiverse.kafkaevents.benchmarks.BenchmarkSettings;
import io.quarkiverse.kafkaevents.benchmarks.Interleaved;
import io.quarkiverse.kafkaevents.benchmarks.ResourceUsage;
import io.quarkiverse.kafkaevents.benchmarks.Topics;
import io.quarkiverse.kafkaevents.benchmarks.report.Measurement;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;

/**
 * Transactional publishing throughput: {@code benchmarks.outbox.writers} threads run transactions until
 * {@code benchmarks.outbox.records} events are published, timed from the first transaction's start until every event is
 * on its topic (the sum of the partitions' end offsets, polled every 50 ms: acknowledged by the broker and readable). For
 * direct publishing that is when the last transaction committed (each awaited its acknowledgement); for the outbox it
 * is when the last row sent after its commit was acknowledged. After each run, outside the timed part, the outbox table is
 * left to empty (rows are deleted on acknowledgement) and the topic is counted again: exactly the events published, no
 * duplicates.
 */
public final class OutboxBenchmark {

    public static final String SCENARIO_PREFIX = "outbox, 1 partition, ";
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(120);

    private final BenchmarkSettings settings;
    private final List<TransactionalContestant> contestants;
    private final Topics topics;
    private final OutboxTable table;
    private final ResourceUsage usage;
    private final Results results;

    public OutboxBenchmark(BenchmarkSettings settings, List<TransactionalContestant> contestants, Topics topics,
            OutboxTable table, ResourceUsage usage, Results results) {
        this.settings = settings;
        this.contestants = contestants;
        this.topics = topics;
        this.table = table;
        this.usage = usage;
        this.results = results;
    }

    public void run() throws Exception {
        try (Writers writers = new Writers(settings.outboxWriters())) {
            Interleaved.run(settings.warmups(), settings.iterations(), contestants,
                    (iteration, order) -> {
                        for (TransactionalContestant contestant : order) {
                            measure(iteration, contestant, writers);
                        }
                    });
        }
    }

    private void measure(int iteration, TransactionalContestant contestant, Writers writers) throws Exception {
        Interleaved.settle();
        int transactions = settings.outboxRecords() / contestant.eventsPerTransaction();
        long records = (long) transactions * contestant.eventsPerTransaction();
        long expected = topics.records(contestant.topic()) + records;
        ResourceUsage.Sample before = usage.sample();
        writers.run(transactions, contestant::transaction);
        long committed = System.nanoTime();
        awaitOnTopic(contestant.topic(), expected);
        ResourceUsage.Sample after = usage.sample();
        long rowsLeft = table.rows();
        // not timed: the rows still to delete, then a second look for records sent twice
        long rowsLeftLater = table.awaitEmpty(Duration.ofSeconds(60));
        long onTopic = topics.records(contestant.topic());
        if (onTopic != expected || rowsLeftLater > 0) {
            throw new AssertionError(contestant.name() + ": " + contestant.topic() + " holds " + onTopic
                    + " records, expected " + expected + (onTopic > expected ? " (duplicates)" : "") + "; "
                    + rowsLeftLater + " outbox rows left a minute later");
        }
        Measurement measurement = Measurement.of(SCENARIO_PREFIX + writers.threads() + " writers", contestant.name(),
                iteration, records, before.until(after));
        System.out.printf("%s: every event on the topic %.0f ms after the last commit; %d outbox rows not deleted yet"
                + " then%n", contestant.name(), (after.wallNanos() - committed) / 1e6, rowsLeft);
        if (iteration >= 0) {
            results.add(measurement);
        } else {
            System.out.println(measurement);
        }
    }

    /** Polls the topic's end offsets until they reach {@code expected}; returns what it found last. */
    private long awaitOnTopic(String topic, long expected) throws Exception {
        long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
        long onTopic;
        while ((onTopic = topics.records(topic)) < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return onTopic;
    }
}
