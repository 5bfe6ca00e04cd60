package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Batch handlers ({@code List<E>}): a blocking one with contexts and a {@code Uni} one in another group. Each call gets
 * events of one partition in offset order; a batch holding a bad event fails, its events are called alone, the bad one
 * is retried and dead-lettered and no other event is; every offset is committed, nothing is handled twice.
 */
public class BatchHandlerTest {

    static final String TOPIC = "test.batch-test.public.parcels";
    static final String DLT = TOPIC + ".dead-letter";
    static final int ROUTES = 6;
    static final int PER_ROUTE = 50;
    static final String BAD = "r3/20";

    @EventTopic(value = "parcels", pluralize = false)
    public record Parcel(@PartitionKey String route, int sequence) {
        String id() {
            return route + "/" + sequence;
        }
    }

    public static class Seen {
        static final CountDownLatch GATE = new CountDownLatch(1);
        static final AtomicBoolean FIRST = new AtomicBoolean(true);
        static final Map<String, List<Integer>> HANDLED = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
        static final List<Integer> BATCH_SIZES = new CopyOnWriteArrayList<>();
        static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
        static final AtomicInteger AUDITED = new AtomicInteger();
        static final List<Integer> AUDIT_SIZES = new CopyOnWriteArrayList<>();
    }

    public static class Parcels {
        @EventHandler
        void on(List<Parcel> parcels, List<EventContext> contexts) throws InterruptedException {
            if (Seen.FIRST.getAndSet(false)) {
                // the first call waits until everything is published: the backlog then comes in large polls
                Seen.GATE.await(30, TimeUnit.SECONDS);
            }
            Seen.BATCH_SIZES.add(parcels.size());
            if (contexts.size() != parcels.size()) {
                Seen.VIOLATIONS.add(parcels.size() + " events, " + contexts.size() + " contexts");
            }
            for (int i = 0; i < contexts.size(); i++) {
                EventContext context = contexts.get(i);
                if (context.partition() != contexts.get(0).partition()
                        || (i > 0 && context.offset() <= contexts.get(i - 1).offset())
                        || !parcels.get(i).route().equals(context.key())) {
                    Seen.VIOLATIONS.add("context " + i + " of " + contexts);
                }
            }
            boolean bad = false;
            for (Parcel parcel : parcels) {
                Seen.CALLS.computeIfAbsent(parcel.id(), k -> new AtomicInteger()).incrementAndGet();
                bad |= parcel.id().equals(BAD);
            }
            if (bad) {
                throw new IllegalStateException("cannot ship " + BAD);
            }
            for (Parcel parcel : parcels) {
                Seen.HANDLED.computeIfAbsent(parcel.route(), k -> new CopyOnWriteArrayList<>()).add(parcel.sequence());
            }
        }
    }

    public static class Audit {
        @EventHandler(group = "batch-audit")
        Uni<Void> on(List<Parcel> parcels) {
            Seen.AUDIT_SIZES.add(parcels.size());
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5))
                    .invoke(() -> Seen.AUDITED.addAndGet(parcels.size()));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Parcel.class, Seen.class, Parcels.class, Audit.class,
                    RawRecords.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "batch-test")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "20ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Parcels.class.getName()
                    + "#on\".kafka.\"auto.commit.interval.ms\"", "200");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void batchesInPartitionOrderAndABadEventFailsAlone() throws Exception {
        List<Parcel> parcels = new ArrayList<>();
        for (int sequence = 0; sequence < PER_ROUTE; sequence++) {
            for (int route = 0; route < ROUTES; route++) {
                parcels.add(new Parcel("r" + route, sequence));
            }
        }
        publisher.publishAll(parcels).await().atMost(Duration.ofSeconds(30));
        Seen.GATE.countDown();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
                && (handled() < ROUTES * PER_ROUTE - 1 || Seen.AUDITED.get() < ROUTES * PER_ROUTE)) {
            Thread.sleep(50);
        }
        for (int route = 0; route < ROUTES; route++) {
            List<Integer> expected = new ArrayList<>();
            for (int sequence = 0; sequence < PER_ROUTE; sequence++) {
                if (!BAD.equals("r" + route + "/" + sequence)) {
                    expected.add(sequence);
                }
            }
            assertEquals(expected, Seen.HANDLED.get("r" + route), "route r" + route + ": in order, each once");
        }
        assertEquals(List.of(), Seen.VIOLATIONS, "every call: one partition, offsets ascending, contexts match");
        assertTrue(Seen.BATCH_SIZES.stream().anyMatch(size -> size > 10), "batches: " + Seen.BATCH_SIZES);
        assertTrue(Seen.AUDIT_SIZES.stream().anyMatch(size -> size > 10), "audit batches: " + Seen.AUDIT_SIZES);
        assertEquals(ROUTES * PER_ROUTE, Seen.AUDITED.get(), "the other group's batch handler got every event once");

        // the bad event: once in its batch, then alone for each of the 3 attempts; its neighbours once more, alone
        assertEquals(4, Seen.CALLS.get(BAD).get(), "calls of " + BAD);
        List<ConsumerRecord<String, byte[]>> dead = awaitDeadLetters(1);
        assertEquals(1, dead.size(), "only the bad event is dead-lettered");
        assertEquals("r3", dead.get(0).key());
        assertTrue(new String(dead.get(0).value()).contains("\"sequence\":20"), new String(dead.get(0).value()));

        // every record finished, so every partition is committed to its end
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, TOPIC)) {
            ends.merge(new TopicPartition(TOPIC, record.partition()), record.offset() + 1, Math::max);
        }
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                for (String group : List.of("test.batch-test", "batch-audit")) {
                    assertEquals(end.getValue(), commits.awaitCommitted(group, end.getKey(),
                            committed -> committed == end.getValue(), Duration.ofSeconds(20)),
                            group + " on " + end.getKey());
                }
            }
        }
    }

    private List<ConsumerRecord<String, byte[]>> awaitDeadLetters(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<ConsumerRecord<String, byte[]>> dead = RawRecords.readAll(bootstrap, DLT);
        while (dead.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
            dead = RawRecords.readAll(bootstrap, DLT);
        }
        return dead;
    }

    private static int handled() {
        return Seen.HANDLED.values().stream().mapToInt(List::size).sum();
    }
}
