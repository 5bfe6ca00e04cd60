package io.quarkiverse.kafkaevents.deployment.commits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A handler in a Kafka transaction turns each {@code Ordered} into a {@code Confirmed}: the events it publishes and the
 * offset it consumed commit together. A failed call's events are never sent (not even as aborted records); retries and
 * dead letters apply as without a transaction, the dead-letter record in the transaction too; the output topic holds
 * transaction markers, and a handler reading it (read_committed, the default) sees each event once and its lag
 * reaches 0.
 */
public class KafkaTransactionTest {

    static final String APP = "tx-test";
    static final String IN = "test.shop.public.tx-orders";
    static final String OUT = "test.shop.public.tx-confirmations";
    static final String GROUP = "test." + APP;

    @EventTopic(value = "tx-orders", domain = "shop")
    public record Ordered(@PartitionKey String id, String behaviour) {
    }

    @EventTopic(value = "tx-confirmations", domain = "shop")
    public record Confirmed(@PartitionKey String id) {
    }

    /** Held until a JTA transaction commits: not something a Kafka transaction can hold. */
    @EventTopic(value = "tx-audits", domain = "shop")
    public record Audited(@PartitionKey String id) {
    }

    public static class Seen {
        static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> CONFIRMED = new ConcurrentHashMap<>();
    }

    public static class Confirmer {
        @Inject
        EventPublisher publisher;

        @EventHandler(kafkaTransaction = true)
        void on(Ordered order, EventContext context) {
            int call = Seen.CALLS.computeIfAbsent(order.id(), k -> new AtomicInteger()).incrementAndGet();
            // enlisted in the transaction: completes at once
            publisher.publish(new Confirmed(order.id())).await().atMost(Duration.ofSeconds(1));
            if (order.behaviour().equals("audits")) {
                // fails at the call, naming the type, the handler and the settings: the order is dead-lettered
                publisher.publish(new Audited(order.id())).await().atMost(Duration.ofSeconds(1));
            }
            if (order.behaviour().equals("always-fails") || (order.behaviour().equals("fails-once") && call == 1)) {
                throw new IllegalStateException("failed after publishing for " + order.id());
            }
        }
    }

    /** Reads the output topic like any downstream service. */
    public static class Downstream {
        @EventHandler
        void on(Confirmed confirmed) {
            Seen.CONFIRMED.computeIfAbsent(confirmed.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    public static class Registry {
        @Produces
        @Singleton
        SimpleMeterRegistry simple() {
            return new SimpleMeterRegistry();
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(
                    jar -> jar.addClasses(Ordered.class, Confirmed.class, Audited.class, Seen.class, Confirmer.class,
                            Downstream.class, Registry.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", APP)
            .overrideConfigKey("quarkus.kafka-events.events.\"Ordered\".partitions", "2")
            .overrideConfigKey("quarkus.kafka-events.events.\"Confirmed\".partitions", "2")
            .overrideConfigKey("quarkus.kafka-events.events.\"Audited\".delivery", "after-commit")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "100ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0")
            // a known transactional.id, so the test can fence the application's producer
            .overrideConfigKey("quarkus.kafka-events.instance-id", "tx-1");

    @Inject
    EventPublisher publisher;

    @Inject
    MeterRegistry registry;

    @Inject
    HandlerDispatcher dispatcher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void eachOrderConfirmedOnceAndFailedCallsLeaveNothing() throws Exception {
        double abortedOrFencedBefore = transactions("aborted") + transactions("fenced");
        List<Ordered> orders = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            orders.add(new Ordered("o-" + i, i % 20 == 3 ? "fails-once"
                    : i % 30 == 7 ? "always-fails"
                            : i == 50 ? "audits" : "ok"));
        }
        publisher.publishAll(orders).await().atMost(Duration.ofSeconds(30));
        List<String> succeeding = orders.stream().filter(o -> o.behaviour().equals("ok")
                || o.behaviour().equals("fails-once")).map(Ordered::id).sorted().toList();
        List<String> failing = orders.stream().filter(o -> o.behaviour().equals("always-fails")
                || o.behaviour().equals("audits")).map(Ordered::id).sorted().toList();
        assertEquals(3, failing.size());
        assertEquals(3, orders.stream().filter(o -> o.behaviour().equals("fails-once")).count());

        await(() -> Seen.CONFIRMED.keySet().containsAll(succeeding), () -> "downstream saw " + Seen.CONFIRMED);
        // every offset of the input committed (in the transactions), the output's lag back to 0 past the markers
        await(() -> committedToTheEnd(), () -> "committed offsets did not reach the end of " + IN);
        await(() -> lag().values().stream().allMatch(v -> v == 0.0) && lag().size() == 2, () -> "lag " + lag());

        // read_committed and read_uncommitted readers see the same: a failed call's event was never sent
        for (String isolation : List.of("read_committed", "read_uncommitted")) {
            Map<String, Long> confirmed = RawRecords.readAll(bootstrap, OUT, isolation).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new, Collectors.counting()));
            assertEquals(succeeding, List.copyOf(confirmed.keySet()), isolation);
            assertTrue(confirmed.values().stream().allMatch(count -> count == 1), isolation + ": " + confirmed);
        }
        // the output was written in transactions: its end offsets count the commit markers too
        assertTrue(endOffsets(OUT) > succeeding.size(), "no transaction markers in " + OUT);
        // retried calls were called again; the downstream handler saw each event once
        assertEquals(2, Seen.CALLS.get("o-3").get());
        assertTrue(Seen.CONFIRMED.values().stream().allMatch(count -> count.get() == 1), Seen.CONFIRMED::toString);

        // the orders that always failed are dead-lettered, in the transaction, and confirmed nowhere
        List<ConsumerRecord<String, byte[]>> deadLetters = RawRecords.readAll(bootstrap, IN + ".dead-letter",
                "read_committed");
        assertEquals(failing, deadLetters.stream().map(ConsumerRecord::key).sorted().toList());
        Map<String, String> reasons = deadLetters.stream().collect(Collectors.toMap(ConsumerRecord::key,
                r -> new String(r.headers().lastHeader("kafka-events-dlt-reason").value(), StandardCharsets.UTF_8)));
        assertTrue(reasons.get("o-7").contains("failed after publishing for o-7"), reasons.toString());
        // an event whose delivery a Kafka transaction cannot hold fails its publish, naming what to change
        assertTrue(reasons.get("o-50").contains("Event type Audited (" + Audited.class.getName() + ") has delivery"
                + " after-commit, but handler " + Confirmer.class.getName() + "#on publishes it in a Kafka transaction,"
                + " which only holds immediate sends: set quarkus.kafka-events.events.\"Audited\".delivery=immediate,"
                + " or take the handler out of its Kafka transaction (quarkus.kafka-events.handlers.\""
                + Confirmer.class.getName() + "#on\".kafka-transaction=false)"), reasons.get("o-50"));
        for (String id : failing) {
            assertEquals(2, Seen.CALLS.get(id).get(), id);
        }
        // transactions committed, none aborted or fenced
        assertTrue(transactions("committed") >= 1, "committed transactions");
        assertEquals(abortedOrFencedBefore, transactions("aborted") + transactions("fenced"),
                "aborted or fenced transactions");
    }

    /**
     * Another producer takes the application's transactional.id (as a second instance with the same
     * {@code instance-id} would): the application's producer is fenced, its consumer starts again from the committed
     * offsets with a new producer, and every order is still confirmed exactly once for read_committed readers.
     */
    @Test
    void aFencedProducerHandsOverWithoutLossOrDuplicates() throws Exception {
        double fencedBefore = transactions("fenced");
        List<Ordered> first = new ArrayList<>();
        List<Ordered> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add(new Ordered("f-" + i, "ok"));
            second.add(new Ordered("f-" + (30 + i), "ok"));
        }
        publisher.publishAll(first).await().atMost(Duration.ofSeconds(30));
        await(() -> first.stream().allMatch(o -> Seen.CONFIRMED.containsKey(o.id())), () -> "first half confirmed");

        String channel = dispatcher.topology().channel(IN, GROUP);
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("transactional.id", "kafka-events.test." + APP + ".tx-1." + channel + ".0");
        try (KafkaProducer<String, String> usurper = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            usurper.initTransactions(); // bumps the epoch: the application's producer is fenced
        }
        publisher.publishAll(second).await().atMost(Duration.ofSeconds(30));

        List<String> all = new ArrayList<>();
        first.forEach(o -> all.add(o.id()));
        second.forEach(o -> all.add(o.id()));
        await(() -> all.stream().allMatch(Seen.CONFIRMED::containsKey), () -> "confirmed " + Seen.CONFIRMED.keySet());
        await(() -> transactions("fenced") > fencedBefore, () -> "no transaction counted as fenced");
        Map<String, Long> confirmed = RawRecords.readAll(bootstrap, OUT, "read_committed").stream()
                .filter(r -> r.key().startsWith("f-"))
                .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new, Collectors.counting()));
        assertEquals(all.stream().sorted().toList(), List.copyOf(confirmed.keySet()));
        assertTrue(confirmed.values().stream().allMatch(count -> count == 1), "read_committed: " + confirmed);
    }

    private double transactions(String outcome) {
        return registry.find("kafka.events.transactions").tags("group", GROUP, "outcome", outcome).functionCounters()
                .stream().mapToDouble(c -> c.count()).sum();
    }

    private boolean committedToTheEnd() {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::partition));
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(IN, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            for (var end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                if (offset == null || offset.offset() != end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private Map<Integer, Double> lag() {
        Map<Integer, Double> values = new TreeMap<>();
        for (Gauge gauge : registry.find("kafka.events.consumer.lag").tags("topic", OUT, "group", GROUP).gauges()) {
            values.put(Integer.parseInt(gauge.getId().getTag("partition")), gauge.value());
        }
        return values;
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return Admin.create(props);
    }

    private static void await(BooleanSupplier condition, Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(100);
        }
    }
}
