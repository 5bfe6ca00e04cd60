package io.quarkiverse.kafkaevents.it.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The AsyncAPI document that {@code mvn package} wrote for the orders service ({@code target/kafka-events/asyncapi.json},
 * prod profile) is valid for the official AsyncAPI parser ({@code @asyncapi/parser} 3, installed into
 * {@code target/asyncapi-parser} by the build), and tells what the service does: its topic, the messages on it, what it
 * publishes, what it handles with which consumer group, and where failed records go.
 */
public class AsyncApiDocumentIT {

    static final Path DOCUMENT = Path.of("target/kafka-events/asyncapi.json");
    static final String TOPIC = "prod.sales.public.orders";

    @Test
    void documentIsValidAsyncApi3ForTheOfficialParser() throws Exception {
        Process node = new ProcessBuilder("node", "src/test/asyncapi/validate.cjs", "target/asyncapi-parser",
                DOCUMENT.toString()).redirectErrorStream(true).start();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the parser did not answer within 60 s");
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.exitValue(), out);
        assertTrue(out.contains("VALID: AsyncAPI 3.0.0"), out);
        assertTrue(!out.contains("severity 1"), "warnings: " + out);
    }

    @Test
    void documentNamesTopicsMessagesOperationsAndGroups() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(Files.readString(DOCUMENT));
        assertEquals("orders-service", doc.at("/info/title").asText());
        assertEquals(TOPIC, doc.at("/channels/" + TOPIC + "/address").asText());
        assertEquals(List.of("OrderCancelled", "OrderConfirmed", "OrderPlaced"),
                names(doc.at("/channels/" + TOPIC + "/messages")));
        assertEquals(TOPIC + ".dead-letter", doc.at("/channels/" + TOPIC + ".dead-letter/address").asText());
        // Kafka channel bindings from the topic provisioning settings
        JsonNode binding = doc.at("/channels/" + TOPIC + "/bindings/kafka");
        assertEquals(TOPIC, binding.at("/topic").asText(), binding.toString());
        assertEquals(3, binding.at("/partitions").asInt(), binding.toString());
        assertEquals(604800000L, binding.at("/topicConfiguration/retention.ms").asLong(), binding.toString());
        assertEquals("delete", binding.at("/topicConfiguration/cleanup.policy/0").asText(), binding.toString());
        assertEquals(3, doc.at("/channels/" + TOPIC + ".dead-letter/bindings/kafka/partitions").asInt());
        // the resource publishes OrderPlaced, the handler of OrderPlaced publishes OrderConfirmed
        assertEquals("send", doc.at("/operations/send-OrderPlaced/action").asText());
        assertEquals("send", doc.at("/operations/send-OrderConfirmed/action").asText());
        assertEquals("prod.orders-service", doc.at("/operations/receive-OrderPlaced-prod.orders-service/bindings/kafka"
                + "/groupId/enum/0").asText());
        // the event's schema is the message payload; its key comes from @PartitionKey; CloudEvents headers as a trait
        assertEquals("integer", doc.at("/components/messages/OrderPlaced/payload/properties/quantity/type").asText());
        assertEquals(false, doc.at("/components/messages/OrderPlaced/payload/additionalProperties").asBoolean(true));
        assertTrue(doc.at("/components/messages/OrderPlaced/bindings/kafka/key/description").asText()
                .contains("orderId"), doc.at("/components/messages/OrderPlaced/bindings/kafka/key").toString());
        assertEquals("OrderPlaced", doc.at("/components/messageTraits/cloudevents-binary-OrderPlaced/headers/properties"
                + "/ce_type/const").asText());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
