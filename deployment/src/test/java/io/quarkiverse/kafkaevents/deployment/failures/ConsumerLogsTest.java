package io.quarkiverse.kafkaevents.deployment.failures;

import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * The log lines a user reads when records are not handled: failures name the dead-letter topic and carry the event's
 * MDC; skipped records (plain JSON on a topic of several types, and, when asked, types without a handler) are logged
 * with their coordinates and what to do, at most once per partition per minute.
 */
public class ConsumerLogsTest {

    static final String GADGETS = "test.logs.public.gadgets";
    static final String WIDGETS = "test.logs.public.widgets";
    static final CompletableFuture<String> FAILED_ID = new CompletableFuture<>();

    @EventTopic(value = "gadgets", domain = "logs")
    public record GadgetMade(@PartitionKey String id) {
    }

    @EventTopic(value = "gadgets", domain = "logs")
    public record GadgetSold(@PartitionKey String id) {
    }

    /** On the same topic, handled by nobody in this service. */
    @EventTopic(value = "gadgets", domain = "logs")
    public record GadgetScrapped(@PartitionKey String id) {
    }

    @EventTopic(value = "widgets", domain = "logs")
    public record WidgetMade(@PartitionKey String id) {
    }

    public static class Handlers {
        @EventHandler
        void made(GadgetMade event) {
        }

        @EventHandler
        void sold(GadgetSold event) {
        }

        @EventHandler
        void widget(WidgetMade event, EventContext context) {
            FAILED_ID.complete(context.id());
            throw new IllegalStateException("widget press jammed");
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(GadgetMade.class, GadgetSold.class, GadgetScrapped.class,
                    WidgetMade.class, Handlers.class, CapturedLogs.class, FailureRecords.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "logs-test")
            .overrideConfigKey("quarkus.kafka-events.log-unhandled-types", "true")
            .overrideConfigKey("quarkus.kafka-events.topics.partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "100ms")
            // SmallRye's start-up lines: the consumers' are kept, the publisher's misleading "configured to write
            // records to 'kafka-events-unrouted'" is dropped
            .setLogRecordPredicate(r -> "io.smallrye.reactive.messaging.kafka".equals(r.getLoggerName()))
            .assertLogRecords(records -> {
                assertTrue(records.stream().anyMatch(r -> r.getMessage().startsWith("SRMSG18257")),
                        "no consumer start-up line was captured");
                assertTrue(records.stream().noneMatch(r -> r.getMessage().startsWith("SRMSG18258")),
                        "the publisher's unrouted-topic line was logged");
                // the handler channels commit through the extension (commit strategy ignore): no warning about
                // SmallRye's throttled-commit health check
                assertTrue(records.stream().noneMatch(r -> r.getMessage().startsWith("SRMSG18235")),
                        "SmallRye's throttled-commit health warning was logged for a handler channel");
            });

    /** From when the application's copy of this class is loaded, before any test sends anything. */
    static final CapturedLogs logs = CapturedLogs.of("io.quarkiverse.kafkaevents");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void finalFailureNamesTheDeadLetterTopicAndCarriesTheMdc() throws Exception {
        publisher.publish(new WidgetMade("w-1")).await().atMost(Duration.ofSeconds(30));
        String id = FAILED_ID.get(30, TimeUnit.SECONDS);
        CapturedLogs.Line line = logs.await(m -> m.contains("Handlers#widget failed") && m.contains("after 2"));
        assertEquals(Level.SEVERE.intValue(), line.level(), line.toString());
        assertTrue(line.message().contains("writing it to dead-letter topic " + WIDGETS + ".dead-letter"),
                line.message());
        assertEquals(id, line.mdc().get("event.id"), line.toString());
        assertEquals("WidgetMade", line.mdc().get("event.type"), line.toString());
        assertEquals(WIDGETS, line.mdc().get("event.topic"), line.toString());
        assertEquals("0", line.mdc().get("event.partition"), line.toString());
        assertTrue(line.mdc().get("event.offset").matches("\\d+"), line.toString());
        // the retry warning before it carries the MDC too
        CapturedLogs.Line retry = logs.await(m -> m.contains("Handlers#widget failed") && m.contains("retrying in"));
        assertEquals(id, retry.mdc().get("event.id"), retry.toString());
    }

    @Test
    void recordThatCannotBeHandledNamesTheDeadLetterTopicAndCarriesTheMdc() throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(WIDGETS, "w-poison", bytes("not json at all"));
        record.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes("poison-id-1"))
                .add("ce_type", bytes("WidgetMade")).add("ce_source", bytes("/elsewhere"))
                .add("content-type", bytes("application/json"));
        RecordMetadata sent = send(record);
        CapturedLogs.Line line = logs.await(m -> m.contains("@" + sent.offset()) && m.contains("cannot be handled")
                && m.startsWith("Record " + WIDGETS));
        assertEquals(Level.WARNING.intValue(), line.level(), line.toString());
        assertTrue(line.message().contains("writing it to dead-letter topic " + WIDGETS + ".dead-letter"),
                line.message());
        assertEquals(Map.of("event.id", "poison-id-1", "event.type", "WidgetMade", "event.topic", WIDGETS,
                "event.partition", "0", "event.offset", Long.toString(sent.offset())), line.mdc());
    }

    @Test
    void plainJsonOnATopicOfSeveralTypesIsLoggedOncePerPartitionWithWhatToDo() throws Exception {
        RecordMetadata first = send(new ProducerRecord<>(GADGETS, "g-plain-1", bytes("{\"id\":\"g-plain-1\"}")));
        send(new ProducerRecord<>(GADGETS, "g-plain-2", bytes("{\"id\":\"g-plain-2\"}")));
        send(new ProducerRecord<>(GADGETS, "g-plain-3", bytes("{\"id\":\"g-plain-3\"}")));
        CapturedLogs.Line line = logs.await(m -> m.startsWith("Skipped plain JSON record " + GADGETS));
        assertEquals(Level.WARNING.intValue(), line.level(), line.toString());
        assertTrue(line.message().contains(GADGETS + "-0@" + first.offset()), line.message());
        assertTrue(line.message().contains("[GadgetMade, GadgetSold]"), line.message());
        assertTrue(line.message().contains("Publish CloudEvents"), line.message());
        assertTrue(line.message().contains("quarkus.kafka-events.events.\"<type>\".topic"), line.message());
        assertEquals(GADGETS, line.mdc().get("event.topic"));
        assertEquals(Long.toString(first.offset()), line.mdc().get("event.offset"));
        // the two others arrive well within the minute: counted, not logged
        publisher.publish(new GadgetMade("g-after")).await().atMost(Duration.ofSeconds(30));
        FailureRecords.sleep(2000);
        assertEquals(1, logs.lines(m -> m.startsWith("Skipped plain JSON record " + GADGETS)).size(),
                logs.lines(m -> m.startsWith("Skipped")).toString());
    }

    @Test
    void unhandledTypeIsLoggedWhenAsked() {
        publisher.publish(new GadgetScrapped("g-scrapped")).await().atMost(Duration.ofSeconds(30));
        CapturedLogs.Line line = logs.await(m -> m.startsWith("Skipped record " + GADGETS)
                && m.contains("of type GadgetScrapped"));
        assertEquals(Level.INFO.intValue(), line.level(), line.toString());
        assertTrue(line.message().contains("no handler of the group takes this type"), line.message());
        assertTrue(line.message().contains("quarkus.kafka-events.log-unhandled-types=false"), line.message());
        assertEquals("GadgetScrapped", line.mdc().get("event.type"));
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }
}
