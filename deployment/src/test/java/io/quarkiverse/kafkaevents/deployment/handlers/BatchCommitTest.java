package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Records reach the lanes a poll at a time. With ordering by key the lanes finish out of order, yet the partition's
 * offset is never committed past a record still being handled: here one record is held while the other keys' records
 * (later offsets, same poll or later polls) are all handled; the commit stays at or before the held record, and moves
 * to the end once it is released.
 */
public class BatchCommitTest {

    static final String TOPIC = "test.batch-commit-test.public.tallies";
    static final String GROUP = "test.batch-commit-test";
    static final int KEYS = 4;
    static final int PER_KEY = 25;
    /** Published key after key, sequence after sequence: the held record's offset. */
    static final long HELD_OFFSET = 5L * KEYS + 1;

    @EventTopic(value = "tallies", pluralize = false)
    public record Tally(@PartitionKey String counter, int sequence) {
    }

    public static class Seen {
        static final AtomicInteger HANDLED = new AtomicInteger();
        static final CountDownLatch RELEASE = new CountDownLatch(1);
    }

    public static class Tallies {
        @EventHandler
        void on(Tally tally) throws InterruptedException {
            if (tally.counter().equals("k1") && tally.sequence() == 5) {
                Seen.RELEASE.await(60, TimeUnit.SECONDS);
            }
            Seen.HANDLED.incrementAndGet();
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Tally.class, Seen.class, Tallies.class))
            .overrideConfigKey("quarkus.application.name", "batch-commit-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"Tally\".partitions", "1")
            // k0..k3 hash to four different lanes
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Tallies.class.getName() + "#on\".key-concurrency",
                    "4")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Tallies.class.getName()
                    + "#on\".kafka.\"auto.commit.interval.ms\"", "100");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void offsetStaysBeforeTheRecordStillHandledThenReachesTheEnd() throws Exception {
        List<Tally> tallies = new ArrayList<>();
        for (int sequence = 0; sequence < PER_KEY; sequence++) {
            for (int key = 0; key < KEYS; key++) {
                tallies.add(new Tally("k" + key, sequence));
            }
        }
        publisher.publishAll(tallies).await().atMost(Duration.ofSeconds(30));
        // every record but the held one and the later ones of its key
        int others = KEYS * PER_KEY - (PER_KEY - 5);
        await("the other keys handled", () -> Seen.HANDLED.get() >= others);

        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (Admin admin = Admin.create(props)) {
            // several commit intervals pass while the record is held
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            long highest = -1;
            while (System.nanoTime() < until) {
                highest = Math.max(highest, committed(admin, partition));
                Thread.sleep(100);
            }
            assertTrue(highest <= HELD_OFFSET, "committed " + highest + " past the record at " + HELD_OFFSET
                    + " still being handled");

            Seen.RELEASE.countDown();
            await("every record handled", () -> Seen.HANDLED.get() == KEYS * PER_KEY);
            await("the offset committed to the end", () -> committed(admin, partition) == KEYS * PER_KEY);
            assertEquals(KEYS * PER_KEY, Seen.HANDLED.get());
        }
    }

    private static long committed(Admin admin, TopicPartition partition) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = offsets.get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + " (handled " + Seen.HANDLED.get() + ")");
            }
            Thread.sleep(50);
        }
    }
}
