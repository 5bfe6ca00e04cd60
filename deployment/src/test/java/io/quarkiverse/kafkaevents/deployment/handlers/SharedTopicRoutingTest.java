package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
 * Types sharing a topic, a per-type topic override, a type of another topic moved onto the shared one, two consumer
 * groups and an environment and domain in mixed case: every event reaches every handler of its type, on the topic the
 * publisher wrote it to.
 */
public class SharedTopicRoutingTest {

    static final String LEDGER = "qa.routing.public.ledger";
    static final String MOVED = "qa.routing-moved.frozen";

    @EventTopic(value = "ledger", pluralize = false)
    public record Credited(@PartitionKey String id) {
    }

    @EventTopic(value = "ledger", pluralize = false)
    public record Debited(@PartitionKey String id) {
    }

    /** Declared on the ledger topic, moved to a topic of its own by configuration. */
    @EventTopic(value = "ledger", pluralize = false)
    public record Frozen(@PartitionKey String id) {
    }

    /** Declared on a topic of its own, moved onto the ledger topic by configuration. */
    @EventTopic(value = "archive", pluralize = false)
    public record Archived(@PartitionKey String id) {
    }

    public static class Handled {
        static final Map<String, List<String>> BY_HANDLER = new ConcurrentHashMap<>();

        static void add(String handler, String id, EventContext context) {
            BY_HANDLER.computeIfAbsent(handler, h -> new CopyOnWriteArrayList<>()).add(id + "@" + context.topic());
        }
    }

    public static class LedgerHandlers {
        @EventHandler
        void credited(Credited event, EventContext context) {
            Handled.add("credited", event.id(), context);
        }

        @EventHandler
        void debited(Debited event, EventContext context) {
            Handled.add("debited", event.id(), context);
        }

        @EventHandler
        void frozen(Frozen event, EventContext context) {
            Handled.add("frozen", event.id(), context);
        }

        @EventHandler
        void archived(Archived event, EventContext context) {
            Handled.add("archived", event.id(), context);
        }

        @EventHandler(group = "routing-audit")
        void audited(Debited event, EventContext context) {
            Handled.add("audit", event.id(), context);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Credited.class, Debited.class, Frozen.class, Archived.class,
                    Handled.class, LedgerHandlers.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "Routing")
            .overrideConfigKey("quarkus.kafka-events.environment", "QA")
            .overrideConfigKey("quarkus.kafka-events.auto-offset-reset", "earliest")
            .overrideConfigKey("quarkus.kafka-events.events.\"Frozen\".topic", MOVED)
            .overrideConfigKey("quarkus.kafka-events.events.\"Archived\".topic", LEDGER);

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void everyTypeReachesItsHandlersWhateverItsTopic() throws Exception {
        publisher.publish(new Credited("c-1")).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new Debited("d-1")).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new Frozen("f-1")).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new Archived("a-1")).await().atMost(Duration.ofSeconds(30));
        // a plain JSON record on the moved topic, which carries one type only: handled as that type
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(MOVED, "f-plain",
                    "{\"id\":\"f-plain\"}".getBytes(StandardCharsets.UTF_8))).get();
        }

        await(() -> Handled.BY_HANDLER.values().stream().mapToInt(List::size).sum() >= 6);
        assertEquals(List.of("c-1@" + LEDGER), Handled.BY_HANDLER.get("credited"));
        assertEquals(List.of("d-1@" + LEDGER), Handled.BY_HANDLER.get("debited"));
        assertEquals(List.of("d-1@" + LEDGER), Handled.BY_HANDLER.get("audit"));
        assertEquals(List.of("a-1@" + LEDGER), Handled.BY_HANDLER.get("archived"));
        assertEquals(List.of("f-1@" + MOVED, "f-plain@" + MOVED), Handled.BY_HANDLER.get("frozen"));

        List<ConsumerRecord<String, byte[]>> ledger = RawRecords.readAll(bootstrap, LEDGER);
        assertEquals(List.of("a-1", "c-1", "d-1"), ledger.stream().map(ConsumerRecord::key).sorted().toList());
        List<ConsumerRecord<String, byte[]>> moved = RawRecords.readAll(bootstrap, MOVED);
        assertTrue(moved.stream().anyMatch(r -> "f-1".equals(r.key())), "Frozen is published to the override");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all events were handled: " + Handled.BY_HANDLER);
            }
            Thread.sleep(100);
        }
    }
}
