package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * A partition revoked in the middle of retries: the pending retries are cancelled and the record is left to the
 * partition's new owner, which sees it because its offset was never committed.
 */
public class RebalanceTest {

    static final String TOPIC = "test.rebalance.public.jobs";

    @EventTopic(value = "jobs", domain = "rebalance")
    public record JobQueued(@PartitionKey String id) {
    }

    public static class JobHandler {
        static final List<Instant> ATTEMPTS = new CopyOnWriteArrayList<>();

        @EventHandler
        void on(JobQueued job) {
            ATTEMPTS.add(Instant.now());
            throw new IllegalStateException("worker unavailable for " + job.id());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(JobQueued.class, JobHandler.class, RawRecords.class,
                    FailureRecords.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "rebalance-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"JobQueued\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "30")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "700ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.multiplier", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void revokedPartitionCancelsPendingRetriesAndTheNewOwnerGetsTheRecord() throws Exception {
        publisher.publish(new JobQueued("stuck-1")).await().atMost(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (JobHandler.ATTEMPTS.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(JobHandler.ATTEMPTS.size() >= 2, "the handler is being retried");

        // a second member joins the group and takes the only partition: this instance loses it in the middle of its
        // retries
        try (KafkaConsumer<String, byte[]> newOwner = CommitSupport.takeOver(bootstrap, "test.rebalance-test", TOPIC)) {
            FailureRecords.awaitRecord(newOwner, "stuck-1");
            Instant takenOver = Instant.now();
            int attemptsAtTakeOver = JobHandler.ATTEMPTS.size();
            Thread.sleep(3000); // four backoff periods
            List<Instant> late = JobHandler.ATTEMPTS.stream().filter(t -> t.isAfter(takenOver)).toList();
            assertTrue(late.isEmpty(), "retries after the partition was revoked: " + late + " (attempts before: "
                    + attemptsAtTakeOver + ")");
        }
        assertTrue(RawRecords.readAll(bootstrap, TOPIC + ".dead-letter").stream()
                .noneMatch(r -> "stuck-1".equals(r.key())), "the old owner must not dead-letter a record it lost");
    }
}
