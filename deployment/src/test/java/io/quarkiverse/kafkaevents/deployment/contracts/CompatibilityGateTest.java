package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkiverse.kafkaevents.deployment.contracts.compat.ContractBreakException;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The compatibility gate, in one failing build against baselines this test writes: a publisher's rename and type
 * change fail the build naming the type, version, fields, role, the version bump and the accept flag; the same change
 * of another published type passes with {@code accept-breaking} (verdict {@code accepted}); a handler-only service
 * adding an optional field passes ({@code compatible}); a type without baseline is {@code new}. The verdicts are read
 * back from {@code target/kafka-events/compatibility.json}.
 */
public class CompatibilityGateTest {

    /** Published; the baseline had {@code weight} (now {@code grams}) and an integer {@code depot}. */
    @EventTopic(value = "gate-parcels", pluralize = false)
    public record GateParcel(@PartitionKey @NotNull String parcelId, long grams, String depot) {
    }

    /** Published, the same change as {@link GateParcel}, accepted by its flag. */
    @EventTopic(value = "gate-invoices", pluralize = false)
    public record GateInvoice(@PartitionKey @NotNull String parcelId, long grams, String depot) {
    }

    /** Handled only; the baseline had no {@code note}. */
    @EventTopic(value = "gate-receipts", pluralize = false)
    public record GateReceipt(@PartitionKey @NotNull String id, String note) {
    }

    /** Published, no baseline. */
    @EventTopic(value = "gate-refunds", pluralize = false, version = "v3")
    public record GateRefund(@PartitionKey @NotNull String id) {
    }

    @ApplicationScoped
    public static class Shipping {
        @Inject
        EventPublisher publisher;

        @EventHandler
        void on(GateReceipt receipt) {
            publisher.publish(new GateParcel(receipt.id(), 1, "north"));
            publisher.publish(new GateInvoice(receipt.id(), 1, "north"));
            publisher.publish(new GateRefund(receipt.id()));
        }
    }

    static final Path BASELINES = Path.of("target/compatibility-gate-test/baselines").toAbsolutePath();

    private static final String RENAMED = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "%s",
              "type": "object",
              "properties": {
                "depot": { "type": ["integer", "null"] },
                "parcelId": { "type": "string" },
                "weight": { "type": "integer" }
              },
              "required": ["parcelId", "weight"],
              "additionalProperties": false
            }
            """;

    static {
        // the baselines as committed with version 1 of each type, before the app is built
        baseline("GateParcel", RENAMED.formatted("GateParcel"));
        baseline("GateInvoice", RENAMED.formatted("GateInvoice"));
        baseline("GateReceipt", """
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "GateReceipt",
                  "type": "object",
                  "properties": { "id": { "type": "string" } },
                  "required": ["id"],
                  "additionalProperties": false
                }
                """);
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(GateParcel.class, GateInvoice.class, GateReceipt.class,
                    GateRefund.class, Shipping.class))
            .overrideConfigKey("quarkus.kafka-events.devservices.enabled", "false")
            .overrideConfigKey("kafka.bootstrap.servers", "localhost:1")
            .overrideConfigKey("quarkus.kafka-events.contracts.baselines", BASELINES.toString())
            .overrideConfigKey("quarkus.kafka-events.contracts.accept-breaking.\"GateInvoice\"", "true")
            .assertException(CompatibilityGateTest::check);

    static void check(Throwable failure) {
        Throwable gate = StartupFailures.find(failure, ContractBreakException.class);
        assertNotNull(gate, "no ContractBreakException in the cause chain of " + failure);
        String message = gate.getMessage();
        assertTrue(message.contains("found 1 event type(s) with a breaking change"), message);
        String parcel = "event type GateParcel (" + GateParcel.class.getName() + "), version 1 (this service"
                + " publishes it), against the baseline " + BASELINES.resolve("GateParcel/v1.json");
        assertTrue(message.contains(parcel), message);
        List<String> changes = List.of(
                "$.depot: type changed from integer or null to string or null; breaks handlers of the version in"
                        + " other services",
                "$.weight: field removed (readers of the version still read it); breaks handlers of the version in"
                        + " other services");
        for (String change : changes) {
            assertTrue(message.contains("\n      " + change), message);
        }
        // the added field is not a break: readers of the version ignore fields they do not name
        assertFalse(message.contains("$.grams"), message);
        assertTrue(message.contains("bump the version (@EventTopic(version = \"v2\") on " + GateParcel.class.getName()),
                message);
        assertTrue(message.contains("quarkus.kafka-events.contracts.accept-breaking.\"GateParcel\"=true"), message);
        assertTrue(message.contains("-Dquarkus.kafka-events.contracts.write-baselines=true"), message);
        // accepted, compatible and new types are not in the failure
        assertFalse(message.contains("GateInvoice"), message);
        assertFalse(message.contains("GateReceipt"), message);
        assertFalse(message.contains("GateRefund"), message);

        JsonNode verdicts;
        try {
            verdicts = new ObjectMapper().readTree(Files.readString(Path.of("target/kafka-events/compatibility.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(4, verdicts.size(), verdicts.toString());
        assertVerdict(verdicts, "GateParcel", 1, "breaking", changes);
        assertVerdict(verdicts, "GateInvoice", 1, "accepted", changes);
        assertVerdict(verdicts, "GateReceipt", 1, "compatible", List.of());
        assertVerdict(verdicts, "GateRefund", 3, "new", List.of("no baseline at " + BASELINES.resolve("GateRefund/v3.json")
                + " (written by -Dquarkus.kafka-events.contracts.write-baselines=true)"));
    }

    private static void assertVerdict(JsonNode verdicts, String type, int version, String verdict,
            List<String> messages) {
        JsonNode one = verdicts.get(type);
        assertNotNull(one, type + " missing in " + verdicts);
        assertEquals(version, one.get("version").asInt(), one.toString());
        assertEquals(verdict, one.get("verdict").asText(), one.toString());
        List<String> actual = new ArrayList<>();
        one.get("messages").forEach(m -> actual.add(m.asText()));
        assertEquals(messages, actual, one.toString());
        assertEquals(3, one.size(), one.toString());
    }

    private static void baseline(String type, String schema) {
        try {
            Path file = BASELINES.resolve(type).resolve("v1.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, schema, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void buildFails() {
        // the build is expected to fail; assertException checks why
    }
}
