package io.quarkiverse.kafkaevents.benchmarks;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.consume.ConsumeBenchmark;
import io.quarkiverse.kafkaevents.benchmarks.consume.ConsumeContestant;
import io.quarkiverse.kafkaevents.benchmarks.consume.PausableChannelContestant;
import io.quarkiverse.kafkaevents.benchmarks.consume.RawConsumerContestant;
import io.quarkiverse.kafkaevents.benchmarks.latency.ExtensionLatencyContestant;
import io.quarkiverse.kafkaevents.benchmarks.latency.LatencyBenchmark;
import io.quarkiverse.kafkaevents.benchmarks.latency.RawLatencyContestant;
import io.quarkiverse.kafkaevents.benchmarks.latency.TransactionalLatencyContestant;
import io.quarkiverse.kafkaevents.benchmarks.outbox.OutboxBenchmark;
import io.quarkiverse.kafkaevents.benchmarks.outbox.OutboxTable;
import io.quarkiverse.kafkaevents.benchmarks.outbox.TransactionalContestant;
import io.quarkiverse.kafkaevents.benchmarks.publish.EmitterContestant;
import io.quarkiverse.kafkaevents.benchmarks.publish.EventPublisherContestant;
import io.quarkiverse.kafkaevents.benchmarks.publish.PublishAllContestant;
import io.quarkiverse.kafkaevents.benchmarks.publish.PublishBenchmark;
import io.quarkiverse.kafkaevents.benchmarks.publish.PublishTarget;
import io.quarkiverse.kafkaevents.benchmarks.publish.RawProducerContestant;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;
import io.quarkiverse.kafkaevents.benchmarks.startup.StartupBenchmark;
import io.quarkiverse.kafkaevents.benchmarks.startup.StartupContestant;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.ChannelRegistry;

/**
 * The benchmark harness: the extension side by side with raw Kafka clients and plain SmallRye, against the dev broker
 * the test mode starts, in one JVM (and, for start-up, memory and build time, the sample service written both ways
 * as separate applications: {@link StartupBenchmark}). Asserts only that every contestant delivered all its records; writes
 * {@code target/benchmarks/results.json} and {@code results.md}. See {@code docs/modules/ROOT/pages/benchmarks.adoc}.
 */
@QuarkusTest
class KafkaEventsBenchmark {

    private static final String RAW_LATENCY_TOPIC = "bench.latency.raw";

    @Inject
    EventPublisher publisher;

    @Inject
    SmallRyePublisher smallRyePublisher;

    @Inject
    Probes probes;

    @Inject
    ChannelRegistry channels;

    @Inject
    HandlerDispatcher dispatcher;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "bench.producer.batch-size")
    int batchSize;

    @ConfigProperty(name = "bench.producer.linger-ms")
    int lingerMs;

    @ConfigProperty(name = "quarkus.kafka-events.transactions.commit-interval")
    String transactionInterval;

    @Test
    void run() throws Exception {
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
        ResourceUsage usage = ResourceUsage.withDevBroker();
        RawKafka kafka = new RawKafka(bootstrapServers, batchSize, lingerMs);
        Results results = new Results();
        results.describe("date", LocalDate.now().toString());
        results.describe("machine", Machine.describe());
        results.describe("load average at start", Machine.loadAverage());
        results.describe("settings", settings);
        results.describe("producers", "acks=all, enable.idempotence=true, batch.size=" + batchSize + ", linger.ms="
                + lingerMs + ", at most " + settings.window() + " records in flight per contestant");
        results.describe("event JSON bytes", kafka.json(Events.next(BenchEvents.RawEvent::new)).length);
        results.describe("idle CPU (cores)", idle(usage));

        try (Topics topics = new Topics(bootstrapServers);
                RawProducerContestant rawProducer = new RawProducerContestant(kafka);
                RawConsumerContestant rawConsumer = new RawConsumerContestant(kafka, ConsumeBenchmark.TOPIC)) {
            if (settings.runs("publish")) {
                PublishBenchmark publish = new PublishBenchmark(settings, List.of(
                        rawProducer,
                        new EmitterContestant(kafka, smallRyePublisher.emitter()),
                        new EventPublisherContestant("EventPublisher.publish (binary)", publisher, t -> t.binary),
                        new PublishAllContestant(publisher, settings.batchSize()),
                        new EventPublisherContestant("EventPublisher.publish (structured)", publisher,
                                t -> t.structured),
                        new EventPublisherContestant("EventPublisher.publish (plain)", publisher, t -> t.plain)),
                        usage, results);
                publish.run();
                for (PublishTarget target : PublishTarget.values()) {
                    check(target.topic, publish.published().get(target), topics.records(target.topic));
                }
            }
            if (settings.runs("consume")) {
                new ConsumeBenchmark(settings, List.of(
                        rawConsumer,
                        new PausableChannelContestant("SmallRye @Incoming (void, worker thread)",
                                channels.getPausable(SmallRyeConsumers.WORKER_CHANNEL), probes.smallRyeWorker),
                        new PausableChannelContestant("SmallRye @Incoming (void, @NonBlocking)",
                                channels.getPausable(SmallRyeConsumers.NON_BLOCKING_CHANNEL),
                                probes.smallRyeNonBlocking),
                        handlerContestant("@EventHandler (Uni, non-blocking)", ConsumeHandlers.UNI_GROUP,
                                probes.handlerUni),
                        handlerContestant("@EventHandler (void, blocking)", ConsumeHandlers.BLOCKING_GROUP,
                                probes.handlerBlocking),
                        handlerContestant("@EventHandler (List, blocking batch)", ConsumeHandlers.BATCH_GROUP,
                                probes.handlerBatch)),
                        kafka, usage, results).run();
            }
            if (settings.runs("handling")) {
                // handlers that publish one event per event handled, under each delivery guarantee
                new ConsumeBenchmark("consume and publish one event, 6 partitions", settings, List.of(
                        handlerContestant("at-least-once (publish acknowledged)", RelayHandlers.AT_LEAST_ONCE_GROUP,
                                probes.relayAtLeastOnce),
                        handlerContestant("Kafka transaction (commit-interval " + transactionInterval + ")",
                                RelayHandlers.TRANSACTION_GROUP, probes.relayTransaction),
                        handlerContestant("inbox (PostgreSQL claim, publish acknowledged)", RelayHandlers.INBOX_GROUP,
                                probes.relayInbox)),
                        kafka, usage, results).run();
            }
            if (settings.runs("latency")) {
                topics.create(RAW_LATENCY_TOPIC, 1);
                try (RawLatencyContestant rawLatency = new RawLatencyContestant(kafka, RAW_LATENCY_TOPIC)) {
                    new LatencyBenchmark(settings, List.of(rawLatency,
                            new ExtensionLatencyContestant(publisher, probes.handlerLatency)), usage, results).run();
                }
            }
            if (settings.runs("outbox")) {
                outbox(settings, topics, usage, results);
            }
            if (settings.runs("startup")) {
                // the sample service as two separate applications (benchmarks/startup-apps), built and launched apart
                Path apps = Path.of("startup-apps");
                new StartupBenchmark(settings, List.of(StartupContestant.smallRye(apps),
                        StartupContestant.extension(apps)), bootstrapServers, topics, results).run();
            }
        }
        results.describe("load average at end", Machine.loadAverage());
        results.describe("RSS at end (MB)", "benchmark JVM " + usage.clientRss() / (1 << 20) + ", broker "
                + usage.brokerRss() / (1 << 20));
        results.write(Path.of("target", "benchmarks"));
    }

    /**
     * The outbox against direct publishing, both in JTA transactions: throughput with concurrent writers, then latency
     * at fixed rates (acknowledgement and handler entry).
     */
    private void outbox(BenchmarkSettings settings, Topics topics, ResourceUsage usage, Results results)
            throws Exception {
        OutboxTable table = new OutboxTable(dataSource);
        usage.watchDatabase(table.postmaster());
        results.describe("outbox", settings.outboxWriters() + " writer threads, " + settings.outboxRecords()
                + " events per run; latency on " + settings.outboxLatencyThreads() + " sender threads; dev PostgreSQL"
                + " (fsync off), postmaster pid " + table.postmaster().pid());
        new OutboxBenchmark(settings, List.of(
                TransactionalContestant.direct(publisher),
                TransactionalContestant.outbox(publisher, 1),
                TransactionalContestant.outbox(publisher, 10)), topics, table, usage, results).run();
        int threads = settings.outboxLatencyThreads();
        try (TransactionalLatencyContestant direct = TransactionalLatencyContestant.direct(publisher, transactions,
                probes.handlerLatency, threads);
                TransactionalLatencyContestant outbox = TransactionalLatencyContestant.outbox(publisher, transactions,
                        probes.outboxHandlerLatency, threads)) {
            new LatencyBenchmark(settings, settings.outboxLatencyRates(), List.of(direct, outbox), usage, results)
                    .run();
        }
    }

    /** What the JVM (consumers polling, paused or not) and the broker burn while nothing is sent. */
    private static String idle(ResourceUsage usage) throws InterruptedException {
        Interleaved.settle();
        ResourceUsage.Sample before = usage.sample();
        Thread.sleep(3000);
        ResourceUsage.Used used = before.until(usage.sample());
        return String.format("benchmark JVM %.3f, broker %.3f", used.clientCores(), used.brokerCores());
    }

    private ConsumeContestant handlerContestant(String name, String group, Tally tally) {
        String channel = dispatcher.topology().channel(ConsumeBenchmark.TOPIC, group);
        return new PausableChannelContestant(name, channel == null ? null : channels.getPausable(channel), tally);
    }

    private static void check(String topic, long published, long onTopic) {
        if (published != onTopic) {
            throw new AssertionError(topic + " holds " + onTopic + " records; the contestants had " + published
                    + " acknowledged");
        }
    }
}
