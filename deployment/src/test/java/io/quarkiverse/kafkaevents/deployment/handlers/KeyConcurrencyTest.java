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

    /** What one handler's calls did: each key's sequence numbers in order, and how many ran at once. */
    public static class Calls {
        final Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> runningPerKey = new ConcurrentHashMap<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final AtomicInteger maxRunningPerKey = new AtomicInteger();

        static final Calls BLOCKING = new Calls();
        static final Calls NON_BLOCKING = new Calls();

        AtomicInteger start(String key) {
            AtomicInteger perKey = runningPerKey.computeIfAbsent(key, k -> new AtomicInteger());
            maxRunningPerKey.accumulateAndGet(perKey.incrementAndGet(), Math::max);
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            return perKey;
        }

        void end(String key, int sequence, AtomicInteger perKey) {
            byKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(sequence);
            running.decrementAndGet();
            perKey.decrementAndGet();
        }

        int total() {
            return byKey.values().stream().mapToInt(List::size).sum();
        }
    }

    public static class Meters {
        @EventHandler
        void on(MeterRead reading) throws InterruptedException {
            AtomicInteger perKey = Calls.BLOCKING.start(reading.meter());
            Thread.sleep(5);
            Calls.BLOCKING.end(reading.meter(), reading.sequence(), perKey);
        }
    }

    /** The same readings for a non-blocking handler, whose calls finish later on a timer. */
    @EventTopic(value = "gauge-readings", pluralize = false)
    public record GaugeRead(@PartitionKey String gauge, int sequence) {
    }

    public static class Gauges {
        @EventHandler
        Uni<Void> on(GaugeRead reading) {
            AtomicInteger perKey = Calls.NON_BLOCKING.start(reading.gauge());
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5))
                    .invoke(() -> Calls.NON_BLOCKING.end(reading.gauge(), reading.sequence(), perKey));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(MeterRead.class, Calls.class, Meters.class, GaugeRead.class,
                    Gauges.class, CommitSupport.class))
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
        check(Calls.BLOCKING, "meter-", TOPIC);
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
        check(Calls.NON_BLOCKING, "gauge-", "test.key-concurrency-test.public.gauge-readings");
    }

    /** Every record handled once, each key in order, 2 to 4 calls side by side, committed to the end. */
    private void check(Calls calls, String keyPrefix, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (calls.total() < KEYS * PER_KEY && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KEYS * PER_KEY, calls.total(), "readings handled");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < PER_KEY; i++) {
            expected.add(i);
        }
        for (int key = 0; key < KEYS; key++) {
            assertEquals(expected, calls.byKey.get(keyPrefix + key), "order of " + keyPrefix + key);
        }
        assertEquals(1, calls.maxRunningPerKey.get(), "records of one key handled at the same time");
        assertTrue(calls.maxRunning.get() > 1 && calls.maxRunning.get() <= 4,
                "records of one partition handled at the same time: " + calls.maxRunning.get());
        TopicPartition partition = new TopicPartition(topic, 0);
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            long end = commits.endOffset(partition);
            assertEquals(KEYS * PER_KEY, end);
            assertEquals(end, commits.awaitCommitted("test.key-concurrency-test", partition, c -> c == end,
                    Duration.ofSeconds(30)), "committed offset");
        }
    }
}
