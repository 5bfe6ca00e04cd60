package io.quarkiverse.kafkaevents.deployment.failures;

import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A partition whose head record waits for an in-process retry, with thousands of records piling up behind it, does not
 * hold up the other partition: the busy partition is paused on the consumer, the other keeps flowing.
 */
public class BackoffIsolationTest {

    static final int PER_PARTITION = 1500;

    @EventTopic(value = "readings", domain = "isolation")
    public record MeterRead(@PartitionKey String meterId, int sequence) {
    }

    public static class Seen {
        static final Map<String, Long> HANDLED_AT = new ConcurrentHashMap<>();
        static final AtomicInteger BLOCKER_ATTEMPTS = new AtomicInteger();
        static final List<Long> BLOCKER_ATTEMPT_TIMES = java.util.Collections.synchronizedList(new ArrayList<>());
        static final Map<Integer, List<Integer>> ORDER = new ConcurrentHashMap<>();
    }

    public static class MeterHandler {
        @EventHandler
        void on(MeterRead reading, EventContext context) {
            if (reading.meterId().equals("blocker")) {
                Seen.BLOCKER_ATTEMPT_TIMES.add(System.currentTimeMillis());
                if (Seen.BLOCKER_ATTEMPTS.incrementAndGet() == 1) {
                    throw new IllegalStateException("meter offline");
                }
            }
            Seen.ORDER.computeIfAbsent(context.partition(), p -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(reading.sequence());
            Seen.HANDLED_AT.put(reading.meterId(), System.currentTimeMillis());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(MeterRead.class, Seen.class, MeterHandler.class,
                    RawRecords.class, FailureRecords.class))
            .overrideConfigKey("quarkus.application.name", "isolation-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"MeterRead\".partitions", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "6s")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0");

    @Inject
    EventPublisher publisher;

    @Test
    void busyPartitionInBackoffIsPausedAndTheOtherFlows() {
        int blocked = FailureRecords.partitionOf("blocker", 2);
        List<MeterRead> behindBlocker = new ArrayList<>();
        List<MeterRead> other = new ArrayList<>();
        for (int i = 0; behindBlocker.size() < PER_PARTITION || other.size() < PER_PARTITION; i++) {
            String key = "m-" + i;
            List<MeterRead> target = FailureRecords.partitionOf(key, 2) == blocked ? behindBlocker : other;
            if (target.size() < PER_PARTITION) {
                target.add(new MeterRead(key, target.size() + 1));
            }
        }
        publisher.publish(new MeterRead("blocker", 0)).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.BLOCKER_ATTEMPTS.get() == 1);
        // the blocked partition's records first, so they reach the consumer before the other partition's
        publish(behindBlocker);
        publish(other);

        await(() -> other.stream().allMatch(r -> Seen.HANDLED_AT.containsKey(r.meterId())));
        long otherDone = other.stream().mapToLong(r -> Seen.HANDLED_AT.get(r.meterId())).max().orElseThrow();
        assertEquals(1, Seen.BLOCKER_ATTEMPTS.get(), "the other partition finished before the retry was due");
        await(() -> behindBlocker.stream().allMatch(r -> Seen.HANDLED_AT.containsKey(r.meterId())));
        long retryAt = Seen.BLOCKER_ATTEMPT_TIMES.get(1);
        assertTrue(otherDone < retryAt, "other partition done at " + otherDone + ", retry at " + retryAt);
        assertTrue(retryAt - Seen.BLOCKER_ATTEMPT_TIMES.get(0) >= 5900, "backoff kept");
        // the blocked partition kept its order: the blocker first, then the records behind it in sequence
        List<Integer> order = Seen.ORDER.get(blocked);
        assertEquals(PER_PARTITION + 1, order.size());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, order.get(i), "position " + i + " of partition " + blocked);
        }
    }

    private void publish(List<MeterRead> readings) {
        for (int from = 0; from < readings.size(); from += 500) {
            publisher.publishAll(readings.subList(from, Math.min(readings.size(), from + 500)))
                    .await().atMost(Duration.ofSeconds(30));
        }
    }
}
