package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A retry whose backoff is longer than SmallRye's 60-second limit on unacknowledged records (which used to close the
 * consumer for good): the consumer keeps consuming, the retry happens when due, and liveness stays UP throughout,
 * because a record waiting for its backoff is making progress. The point of these tests is the long wait.
 */
abstract class LongRetryScenario {

    static final long BACKOFF_MILLIS = 65_000;

    @EventTopic(value = "shipments", domain = "long-retry")
    public record ShipmentBooked(@PartitionKey String id, boolean failOnce) {
    }

    public static class Handled {
        static final Map<String, List<Long>> ATTEMPTS = new ConcurrentHashMap<>();
    }

    public static class ShipmentHandler {
        @EventHandler
        void on(ShipmentBooked shipment, EventContext context) {
            Handled.ATTEMPTS.computeIfAbsent(shipment.id(), id -> new CopyOnWriteArrayList<>())
                    .add(System.currentTimeMillis());
            if (shipment.failOnce() && context.attempt() == 1) {
                throw new IllegalStateException("carrier unavailable for " + shipment.id());
            }
        }
    }

    static QuarkusUnitTest app(String topic, String group, String mode) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(LongRetryScenario.class, ShipmentBooked.class,
                        Handled.class, ShipmentHandler.class, RawRecords.class, FailureRecords.class,
                        HealthProbe.class))
                .overrideConfigKey("quarkus.application.name", group)
                .overrideConfigKey("quarkus.kafka-events.failure.mode", mode)
                .overrideConfigKey("quarkus.kafka-events.events.\"ShipmentBooked\".topic", topic)
                .overrideConfigKey("quarkus.kafka-events.events.\"ShipmentBooked\".partitions", "1")
                .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
                .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", BACKOFF_MILLIS + "ms")
                .overrideConfigKey("quarkus.kafka-events.failure.retry.max-backoff", "2m")
                .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0")
                // a partition waiting for a backoff is not stalled, however short this bound
                .overrideConfigKey("quarkus.kafka-events.health.stalled-after", "2s");
    }

    @Inject
    EventPublisher publisher;

    /** Whether records behind the waiting one are handled meanwhile (retry topics) or wait with it (in process). */
    abstract boolean laterRecordsPassTheWaitingOne();

    @Test
    void retryLongerThanSixtySecondsKeepsTheConsumerAlive() {
        publisher.publish(new ShipmentBooked("s-slow", true)).await().atMost(Duration.ofSeconds(30));
        FailureRecords.await(() -> Handled.ATTEMPTS.containsKey("s-slow"));
        long failedAt = Handled.ATTEMPTS.get("s-slow").get(0);
        publisher.publish(new ShipmentBooked("s-next", false)).await().atMost(Duration.ofSeconds(30));
        if (laterRecordsPassTheWaitingOne()) {
            FailureRecords.await(() -> Handled.ATTEMPTS.containsKey("s-next"));
        }

        // past SmallRye's old limit of 60 s, probing liveness all along
        long deadline = failedAt + BACKOFF_MILLIS + 30_000;
        while (Handled.ATTEMPTS.get("s-slow").size() < 2 && System.currentTimeMillis() < deadline) {
            HealthProbe.Answer live = HealthProbe.get("live");
            assertTrue(live.up(), "liveness while a retry waits: " + live.body());
            FailureRecords.sleep(2000);
        }
        List<Long> attempts = Handled.ATTEMPTS.get("s-slow");
        assertEquals(2, attempts.size(), "the retry happened when due");
        assertTrue(attempts.get(1) - attempts.get(0) >= BACKOFF_MILLIS - 1000,
                "retried after " + (attempts.get(1) - attempts.get(0)) + " ms");

        // the consumer still consumes: a new record is handled promptly
        FailureRecords.await(() -> Handled.ATTEMPTS.containsKey("s-next"));
        publisher.publish(new ShipmentBooked("s-after", false)).await().atMost(Duration.ofSeconds(30));
        FailureRecords.await(() -> Handled.ATTEMPTS.containsKey("s-after"));
        HealthProbe.Answer live = HealthProbe.get("live");
        assertTrue(live.up(), live.body());
    }
}
