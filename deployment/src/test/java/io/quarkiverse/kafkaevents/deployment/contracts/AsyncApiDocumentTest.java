package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The AsyncAPI document of a service in {@code retry-topics} mode: the handled type's topic with its dead-letter topic
 * and as many retry topics as its handler's attempts need (a handler setting over the application's), the consumer
 * groups of the handler and of its retry consumer, a {@code send} operation only for the type the service creates,
 * the key from {@code @PartitionKey}, and the structured format's envelope. (The official parser checks the sample
 * service's document: {@code AsyncApiDocumentIT} in integration-tests.)
 */
public class AsyncApiDocumentTest {

    @EventTopic(value = "api-parcels", pluralize = false)
    public record ParcelShipped(@PartitionKey(order = 1) String parcelId, @PartitionKey(order = 2) String depot) {
    }

    @EventTopic(value = "api-receipts", pluralize = false)
    public record ReceiptPrinted(@PartitionKey String id) {
    }

    @ApplicationScoped
    public static class Couriers {
        @Inject
        EventPublisher publisher;

        @EventHandler(group = "couriers")
        void on(ParcelShipped parcel) {
            publisher.publish(new ReceiptPrinted(parcel.parcelId()));
        }
    }

    static final String PARCELS = "test.asyncapi-test.public.api-parcels";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class, ReceiptPrinted.class, Couriers.class))
            .overrideConfigKey("quarkus.application.name", "asyncapi-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "retry-topics")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Couriers.class.getName() + "#on\".max-attempts", "4")
            .overrideConfigKey("quarkus.kafka-events.events.\"ReceiptPrinted\".format", "structured")
            .overrideConfigKey("quarkus.kafka-events.topics.config.\"retention.ms\"", "604800000")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".partitions", "2")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".replication-factor", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".config.\"cleanup.policy\"",
                    "compact,delete");

    @Test
    void documentNamesTopicsFailureTopicsGroupsAndWhatIsSent() throws Exception {
        JsonNode doc;
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("META-INF/kafka-events/asyncapi.json")) {
            doc = new ObjectMapper().readTree(new String(in.readAllBytes(), UTF_8));
        }
        assertEquals("3.0.0", doc.at("/asyncapi").asText());
        assertEquals(List.of(PARCELS, PARCELS + ".dead-letter", PARCELS + ".retry-1", PARCELS + ".retry-2",
                PARCELS + ".retry-3", "test.asyncapi-test.public.api-receipts"), names(doc.at("/channels")));
        assertEquals(List.of("receive-ParcelShipped-couriers", "dead-letter-ParcelShipped", "retry-1-ParcelShipped",
                "receive-retry-1-ParcelShipped-couriers", "retry-2-ParcelShipped",
                "receive-retry-2-ParcelShipped-couriers", "retry-3-ParcelShipped",
                "receive-retry-3-ParcelShipped-couriers", "send-ReceiptPrinted"), names(doc.at("/operations")));
        // channel bindings from the topic provisioning settings: the type's over the application's
        ObjectMapper mapper = new ObjectMapper();
        assertEquals(mapper.readTree("""
                { "topic": "%s", "partitions": 2, "replicas": 1,
                  "topicConfiguration": { "cleanup.policy": ["compact", "delete"], "retention.ms": 604800000 },
                  "bindingVersion": "0.5.0" }
                """.formatted(PARCELS)), doc.at("/channels/" + PARCELS + "/bindings/kafka"));
        // dead-letter and retry topics: the source topic's partitions and replication
        assertEquals(mapper.readTree("""
                { "topic": "%s.dead-letter", "partitions": 2, "replicas": 1, "bindingVersion": "0.5.0" }
                """.formatted(PARCELS)), doc.at("/channels/" + PARCELS + ".dead-letter/bindings/kafka"));
        assertEquals(2, doc.at("/channels/" + PARCELS + ".retry-3/bindings/kafka/partitions").asInt());
        String receipts = "test.asyncapi-test.public.api-receipts";
        assertEquals(mapper.readTree("""
                { "topic": "%s", "partitions": 3, "topicConfiguration": { "retention.ms": 604800000 },
                  "bindingVersion": "0.5.0" }
                """.formatted(receipts)), doc.at("/channels/" + receipts + "/bindings/kafka"));
        assertEquals("couriers", doc.at("/operations/receive-ParcelShipped-couriers/bindings/kafka/groupId/enum/0")
                .asText());
        assertEquals("couriers-retry", doc.at("/operations/receive-retry-2-ParcelShipped-couriers/bindings/kafka/groupId"
                + "/enum/0").asText());
        assertEquals("The record key: parcelId, depot, joined by ':'.",
                doc.at("/components/messages/ParcelShipped/bindings/kafka/key/description").asText());
        assertEquals("/asyncapi-test", doc.at("/components/messageTraits/cloudevents-binary-ParcelShipped/headers"
                + "/properties/ce_source/const").asText());
        JsonNode receipt = doc.at("/components/messages/ReceiptPrinted");
        assertEquals("application/cloudevents+json", receipt.at("/contentType").asText());
        assertEquals("ReceiptPrinted", receipt.at("/payload/properties/type/const").asText());
        assertEquals("[\"string\",\"null\"]", receipt.at("/payload/properties/data/properties/id/type").toString());
        assertTrue(receipt.at("/traits").isMissingNode(), receipt.toString());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
