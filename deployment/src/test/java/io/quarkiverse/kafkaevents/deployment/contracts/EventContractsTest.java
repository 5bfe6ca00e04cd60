package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.deployment.failures.CapturedLogs;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Event contracts: the JSON Schema generated at build time for an event type (records, nested types, a list, an enum,
 * an {@code Instant}, an {@code Optional}, a {@code @JsonProperty} rename, an ignored member, Bean Validation
 * constraints), shipped as a class-path resource; and validation before publish, in its three modes: {@code fail}
 * (the test profile's default) refuses an invalid event at the call and nothing reaches the topic, {@code warn}
 * publishes it and logs why, {@code none} publishes it without a word.
 */
public class EventContractsTest {

    public enum Status {
        NEW,
        PAID
    }

    public record Line(@NotNull String sku, @Min(1) int quantity) {
    }

    @EventTopic(value = "contract-orders", pluralize = false)
    public record OrderPlaced(@PartitionKey @NotNull String orderId, @JsonProperty("customer_id") String customerId,
            List<Line> lines, Status status, Instant placedAt, Optional<String> note, @JsonIgnore String secret) {
    }

    /** A class with a property Jackson writes from a getter alone ({@code large}). */
    @EventTopic(value = "contract-refunds", pluralize = false)
    public static class Refund {
        @PartitionKey
        private final String id;
        private final long cents;

        public Refund(String id, long cents) {
            this.id = id;
            this.cents = cents;
        }

        public String getId() {
            return id;
        }

        public long getCents() {
            return cents;
        }

        public boolean isLarge() {
            return cents > 100_000;
        }
    }

    /** Validated with {@code warn}. */
    @EventTopic(value = "contract-warned", pluralize = false)
    public record Warned(@PartitionKey @NotNull String id, @Min(0) int amount) {
    }

    /** Not validated ({@code none}). */
    @EventTopic(value = "contract-unchecked", pluralize = false)
    public record Unchecked(@PartitionKey @NotNull String id, @Min(0) int amount) {
    }

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String ORDERS = "test.contracts-test.public.contract-orders";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Status.class, Line.class, OrderPlaced.class, Refund.class, Warned.class,
                    Unchecked.class, RawRecords.class, CapturedLogs.class)
                    .addClass("io.quarkiverse.kafkaevents.deployment.failures.FailureRecords"))
            .overrideConfigKey("quarkus.application.name", "contracts-test")
            .overrideConfigKey("quarkus.kafka-events.topics.partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"Warned\".validation", "warn")
            .overrideConfigKey("quarkus.kafka-events.events.\"Unchecked\".validation", "none");

    /** From when the application's copy of this class is loaded, before any test publishes. */
    static final CapturedLogs logs = CapturedLogs.of("io.quarkiverse.kafkaevents");

    @Inject
    EventPublisher publisher;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void schemaIsGeneratedAtBuildTimeAsAClassPathResourceAndInTheBuildOutput() throws Exception {
        String resource;
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("META-INF/kafka-events/schemas/OrderPlaced.json")) {
            resource = new String(in.readAllBytes(), UTF_8);
        }
        assertEquals(mapper.readTree("""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "OrderPlaced",
                  "type": "object",
                  "properties": {
                    "customer_id": { "type": ["string", "null"] },
                    "lines": {
                      "type": ["array", "null"],
                      "items": {
                        "type": "object",
                        "properties": {
                          "quantity": { "type": "integer", "minimum": 1 },
                          "sku": { "type": "string" }
                        },
                        "required": ["quantity", "sku"],
                        "additionalProperties": false
                      }
                    },
                    "note": { "type": ["string", "null"] },
                    "orderId": { "type": "string" },
                    "placedAt": { "type": ["string", "null"], "format": "date-time" },
                    "status": { "anyOf": [ { "type": "null" }, { "type": "string", "enum": ["NEW", "PAID"] } ] }
                  },
                  "required": ["orderId"],
                  "additionalProperties": false
                }
                """), mapper.readTree(resource), resource);
        // the same document in the build output, for people and tools
        assertEquals(resource, Files.readString(Path.of("target/kafka-events/schemas/OrderPlaced.json")));
    }

    @Test
    void validEventsArePublished() {
        publisher.publish(new OrderPlaced("o-valid", "c-1", List.of(new Line("sku-1", 2)), Status.PAID,
                Instant.parse("2026-12-07T10:15:30Z"), Optional.empty(), "hidden")).await().atMost(WAIT);
        publisher.publish(new OrderPlaced("o-nulls", null, null, null, null, Optional.of("gift"), null)).await()
                .atMost(WAIT);
        assertTrue(keys(ORDERS).containsAll(List.of("o-valid", "o-nulls")), keys(ORDERS).toString());
    }

    @Test
    void propertiesWrittenFromGettersArePartOfTheSchema() {
        publisher.publish(new Refund("r-1", 250_000)).await().atMost(WAIT);
        assertEquals(List.of("r-1"), keys("test.contracts-test.public.contract-refunds"));
    }

    @Test
    void invalidEventFailsThePublishNamingTypePathAndRuleAndNothingIsSent() {
        PublishException refused = assertThrows(PublishException.class,
                () -> publisher.publish(new OrderPlaced("o-invalid", "c-1", List.of(new Line("sku-1", 1),
                        new Line(null, 0)), Status.NEW, Instant.now(), Optional.empty(), null)).await().atMost(WAIT));
        String message = refused.getMessage();
        assertTrue(message.startsWith("Could not publish " + OrderPlaced.class.getName() + " to topic " + ORDERS
                + ": Event of type OrderPlaced (" + OrderPlaced.class.getName() + ") does not match its JSON Schema: "),
                message);
        assertTrue(message.contains("/lines/1/quantity") && message.contains("(rule 'minimum')"), message);
        assertTrue(message.contains("/lines/1/sku") && message.contains("(rule 'type')"), message);
        assertEquals(ORDERS, refused.topic());

        publisher.publish(new OrderPlaced("o-after-invalid", null, null, null, null, Optional.empty(), null)).await()
                .atMost(WAIT);
        List<String> keys = keys(ORDERS);
        assertTrue(keys.contains("o-after-invalid"), keys.toString());
        assertTrue(!keys.contains("o-invalid") && !keys.contains(null), keys.toString());
    }

    @Test
    void warnPublishesAndLogsTheSameDetailOncePerMinute() {
        publisher.publish(new Warned("w-1", -5)).await().atMost(WAIT);
        publisher.publish(new Warned("w-2", -6)).await().atMost(WAIT);
        assertEquals(List.of("w-1", "w-2"), keys("test.contracts-test.public.contract-warned"));
        CapturedLogs.Line line = logs.await(m -> m.startsWith("Event of type Warned"));
        assertEquals(Level.WARNING.intValue(), line.level(), line.toString());
        assertTrue(line.message().contains("/amount") && line.message().contains("(rule 'minimum')")
                && line.message().contains("published all the same (quarkus.kafka-events.validation=warn)"),
                line.message());
        assertEquals(1, logs.lines(m -> m.startsWith("Event of type Warned")).size(), "warned once a minute");
    }

    @Test
    void noneNeitherChecksNorLogs() {
        publisher.publish(new Unchecked("u-1", -5)).await().atMost(WAIT);
        assertEquals(List.of("u-1"), keys("test.contracts-test.public.contract-unchecked"));
        assertTrue(logs.lines(m -> m.contains("Unchecked")).isEmpty(), logs.lines(m -> true).toString());
    }

    private List<String> keys(String topic) {
        return RawRecords.readAll(bootstrap, topic).stream().map(ConsumerRecord::key).toList();
    }
}
