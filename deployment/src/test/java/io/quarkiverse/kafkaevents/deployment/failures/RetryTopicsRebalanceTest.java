package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Mode retry-topics: a retry-topic partition revoked while its record waits to be due. The waiting record is dropped
 * (not handled, not moved on, not dead-lettered) and the partition's new owner receives it, its offset never having
 * been committed.
 */
public class RetryTopicsRebalanceTest {

    static final String TOPIC = "test.retry-rebalance.public.imports";
    static final String RETRY_1 = TOPIC + ".retry-1";

    @EventTopic(value = "imports", domain = "retry-rebalance")
    public record ImportRequested(@PartitionKey String id) {
    }

    public static class ImportHandler {
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @EventHandler
        void on(ImportRequested request) {
            ATTEMPTS.incrementAndGet();
            throw new IllegalStateException("import source offline for " + request.id());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ImportRequested.class, ImportHandler.class, RawRecords.class,
                    FailureRecords.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "retry-rebalance-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "retry-topics")
            .overrideConfigKey("quarkus.kafka-events.events.\"ImportRequested\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "4s")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void revokedRetryPartitionDropsTheWaitingRecordAndTheNewOwnerGetsIt() throws Exception {
        publisher.publish(new ImportRequested("waiting-1")).await().atMost(Duration.ofSeconds(30));
        long due = Long.parseLong(FailureRecords.headers(FailureRecords.awaitSingle(bootstrap, RETRY_1, "waiting-1"))
                .get("kafka-events-retry-due"));
        assertEquals(1, ImportHandler.ATTEMPTS.get());

        // a second member joins the retry consumers' group and takes the only retry-1 partition while the record waits
        try (KafkaConsumer<String, byte[]> newOwner = CommitSupport.takeOver(bootstrap, "test.retry-rebalance-test-retry",
                RETRY_1)) {
            FailureRecords.awaitRecord(newOwner, "waiting-1");
            assertTrue(System.currentTimeMillis() < due, "the partition changed hands before the retry was due");
            // well past the due time: the old owner must not have handled it
            Thread.sleep(Math.max(0, due - System.currentTimeMillis()) + 2000);
            assertEquals(1, ImportHandler.ATTEMPTS.get(), "the old owner retried a record of a partition it lost");
        }
        assertTrue(FailureRecords.records(bootstrap, TOPIC + ".retry-2", "waiting-1").isEmpty());
        assertTrue(FailureRecords.records(bootstrap, TOPIC + ".dead-letter", "waiting-1").isEmpty());
    }
}
