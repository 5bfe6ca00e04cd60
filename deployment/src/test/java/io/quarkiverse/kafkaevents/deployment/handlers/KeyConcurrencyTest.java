package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Ordering by key ({@code key-concurrency}): on a single partition, records of different keys are handled side by
 * side, each key's records one at a time and in order; every record is handled once and the partition's offset is
 * committed to its end. The same for blocking handlers and for non-blocking ones ({@code Uni}) whose calls finish
 * later.
 */
public class KeyConcurrencyTest {

    static final String TOPIC = "test.key-concurrency-test.public.meter-readings";
    static final int KEYS = 16;
    static final int PER_KEY = 40;

    @EventTopic(value = "meter-readings", pluralize = false)
    public record MeterRead(@PartitionKey String meter, int sequence) {
    }

    public static class Seen {
        static final Map<String, List<Integer>> BY_KEY = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> RUNNING_PER_KEY = new ConcurrentHashMap<>();
        static final AtomicInteger RUNNING = new AtomicInteger();
        static final AtomicInteger MAX_RUNNING = new AtomicInteger();
        static final AtomicInteger MAX_RUNNING_PER_KEY = new AtomicInteger();
    }

    public static class Meters {
        @EventHandler
        void on(MeterRead reading) throws InterruptedException {
            AtomicInteger perKey = Seen.RUNNING_PER_KEY.computeIfAbsent(reading.meter(), k -> new AtomicInteger());
            Seen.MAX_RUNNING_PER_KEY.accumulateAndGet(perKey.incrementAndGet(), Math::max);
            Seen.MAX_RUNNING.accumulateAndGet(Seen.RUNNING.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
                Seen.BY_KEY.computeIfAbsent(reading.meter(), k -> new CopyOnWriteArrayList<>())
                        .add(reading.sequence());
            } finally {
                Seen.RUNNING.decrementAndGet();
                perKey.decrementAndGet();
            }
        }
    }

    /** The same readings for a non-blocking handler, whose calls finish later on a timer. */
    @EventTopic(value = "gauge-readings", pluralize = false)
    public record GaugeRead(@PartitionKey String gauge, int sequence) {
    }

    public static class SeenAsync {
        static final Map<String, List<Integer>> BY_KEY = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> RUNNING_PER_KEY = new ConcurrentHashMap<>();
        static final AtomicInteger RUNNING = new AtomicInteger();
        static final AtomicInteger MAX_RUNNING = new AtomicInteger();
        static final AtomicInteger MAX_RUNNING_PER_KEY = new AtomicInteger();
    }

    public static class Gauges {
        @EventHandler
        Uni<Void> on(GaugeRead reading) {
            AtomicInteger perKey = SeenAsync.RUNNING_PER_KEY.computeIfAbsent(reading.gauge(), k -> new AtomicInteger());
            SeenAsync.MAX_RUNNING_PER_KEY.accumulateAndGet(perKey.incrementAndGet(), Math::max);
            SeenAsync.MAX_RUNNING.accumulateAndGet(SeenAsync.RUNNING.incrementAndGet(), Math::max);
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5)).invoke(() -> {
                SeenAsync.BY_KEY.computeIfAbsent(reading.gauge(), k -> new CopyOnWriteArrayList<>())
                        .add(reading.sequence());
                SeenAsync.RUNNING.decrementAndGet();
                perKey.decrementAndGet();
            });
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(MeterRead.class, Seen.class, Meters.class, GaugeRead.class,
                    SeenAsync.class, Gauges.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "key-concurrency-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"MeterRead\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Meters.class.getName() + "#on\".key-concurrency",
                    "4")
            .overrideConfigKey("quarkus.kafka-events.events.\"GaugeRead\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Gauges.class.getName() + "#on\".key-concurrency",
                    "4");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void keysRunSideBySideEachInOrderAndTheOffsetIsCommittedToTheEnd() throws Exception {
        List<MeterRead> readings = new ArrayList<>();
        for (int sequence = 0; sequence < PER_KEY; sequence++) {
            for (int key = 0; key < KEYS; key++) {
                readings.add(new MeterRead("meter-" + key, sequence));
            }
        }
        publisher.publishAll(readings).await().atMost(Duration.ofSeconds(60));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (total() < KEYS * PER_KEY && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KEYS * PER_KEY, total(), "readings handled");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < PER_KEY; i++) {
            expected.add(i);
        }
        for (int key = 0; key < KEYS; key++) {
            assertEquals(expected, Seen.BY_KEY.get("meter-" + key), "order of meter-" + key);
        }
        assertEquals(1, Seen.MAX_RUNNING_PER_KEY.get(), "records of one key handled at the same time");
        assertTrue(Seen.MAX_RUNNING.get() > 1 && Seen.MAX_RUNNING.get() <= 4,
                "records of one partition handled at the same time: " + Seen.MAX_RUNNING.get());

        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            long end = commits.endOffset(partition);
            assertEquals(KEYS * PER_KEY, end);
            assertEquals(end, commits.awaitCommitted("test.key-concurrency-test", partition, c -> c == end,
                    Duration.ofSeconds(30)), "committed offset");
        }
    }

    @Test
    void nonBlockingHandlersKeepEachKeyInOrderToo() throws Exception {
        List<GaugeRead> readings = new ArrayList<>();
        for (int sequence = 0; sequence < PER_KEY; sequence++) {
            for (int key = 0; key < KEYS; key++) {
                readings.add(new GaugeRead("gauge-" + key, sequence));
            }
        }
        publisher.publishAll(readings).await().atMost(Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (SeenAsync.BY_KEY.values().stream().mapToInt(List::size).sum() < KEYS * PER_KEY
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < PER_KEY; i++) {
            expected.add(i);
        }
        for (int key = 0; key < KEYS; key++) {
            assertEquals(expected, SeenAsync.BY_KEY.get("gauge-" + key), "order of gauge-" + key);
        }
        assertEquals(1, SeenAsync.MAX_RUNNING_PER_KEY.get(), "calls of one key running at the same time");
        assertTrue(SeenAsync.MAX_RUNNING.get() > 1 && SeenAsync.MAX_RUNNING.get() <= 4,
                "calls of one partition running at the same time: " + SeenAsync.MAX_RUNNING.get());
        TopicPartition partition = new TopicPartition("test.key-concurrency-test.public.gauge-readings", 0);
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            assertEquals(KEYS * PER_KEY, commits.awaitCommitted("test.key-concurrency-test", partition,
                    c -> c == KEYS * PER_KEY, Duration.ofSeconds(30)), "committed offset");
        }
    }

    private static int total() {
        return Seen.BY_KEY.values().stream().mapToInt(List::size).sum();
    }
}
