package io.quarkiverse.kafkaevents.deployment.devui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * The Dev UI's card, through the JSON-RPC websocket its pages use: the event types page (the topic resolved for the
 * running profile, the handlers in full with their consumer group), the dead-letter page (dead-letter counts per
 * consumed topic, replay of recent dead letters to their topic with their CloudEvents id, and errors naming the
 * culprit); no outbox page in an application without the outbox.
 */
public class KafkaEventsDevUiTest {

    static final String NAMESPACE = "quarkus-kafka-events";
    static final int PORT = freePort();
    /** Unique per run: the dev broker may outlive the run (and be adopted by the next), topics with it. */
    static final String ENVIRONMENT = "devui" + Long.toString(System.currentTimeMillis(), 36);
    static final String TOPIC = ENVIRONMENT + ".devui.public.parcels";
    static final String DLT = TOPIC + ".dead-letter";

    @RegisterExtension
    static final QuarkusDevModeTest app = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(DeadLetterApp.class, DeadLetterApp.ParcelShipped.class,
                    DeadLetterApp.BrokenHandler.class, DeadLetterApp.TestRoutes.class)
                    .addAsResource(new StringAsset(String.join("\n",
                            "quarkus.http.port=" + PORT,
                            "quarkus.application.name=devui-test",
                            "quarkus.kafka-events.failure.mode=none",
                            "quarkus.kafka-events.group-id=devui-group",
                            "quarkus.kafka-events.environment=" + ENVIRONMENT)), "application.properties"));

    private final HttpClient http = HttpClient.newHttpClient();

    // one test method: QuarkusDevModeTest starts the application anew for each
    @Test
    void cardAndDeadLetterReplay() throws Exception {
        // the card: its pages, the event-type table's build-time data, the web component
        String pages = get("/q/dev-ui/devui-data.js");
        assertTrue(pages.contains("qwc-kafka-events-dead-letters.js") && pages.contains("Dead letters")
                && pages.contains("Event types") && pages.contains("qwc-kafka-events-event-types.js"), pages);
        assertFalse(pages.contains("qwc-kafka-events-outbox.js"), "no outbox page without the outbox: " + pages);
        String eventTypes = get("/q/dev-ui/" + NAMESPACE + "-data.js");
        assertTrue(eventTypes.contains("eventTypes") && eventTypes.contains(DeadLetterApp.ParcelShipped.class.getName())
                && eventTypes.contains(DeadLetterApp.BrokenHandler.class.getName() + "#on"), eventTypes);
        String component = get("/q/dev-ui/" + NAMESPACE + "/qwc-kafka-events-dead-letters.js");
        assertTrue(component.contains("customElements.define('qwc-kafka-events-dead-letters'"), component);
        String typesComponent = get("/q/dev-ui/" + NAMESPACE + "/qwc-kafka-events-event-types.js");
        assertTrue(typesComponent.contains("customElements.define('qwc-kafka-events-event-types'"), typesComponent);

        String bootstrap = get("/devui-test/bootstrap");
        assertEquals("3", send(HttpRequest.newBuilder(uri("/devui-test/publish"))
                .POST(HttpRequest.BodyPublishers.noBody())));

        try (DevUiJsonRpc rpc = new DevUiJsonRpc(PORT)) {
            // the event types page: the topic under the running configuration, handlers in full, their group
            JsonNode types = rpc.call(NAMESPACE + "_getEventTypes", Map.of());
            assertEquals(1, types.size(), types.toString());
            JsonNode type = types.get(0);
            assertEquals("ParcelShipped", type.get("type").asText(), type.toString());
            assertEquals(DeadLetterApp.ParcelShipped.class.getName(), type.get("className").asText());
            assertEquals(TOPIC, type.get("topic").asText(), "the resolved topic, not the base name: " + type);
            assertEquals("immediate", type.get("delivery").asText());
            assertEquals(1, type.get("handlers").size(), type.toString());
            JsonNode handler = type.get("handlers").get(0);
            assertEquals(DeadLetterApp.BrokenHandler.class.getName() + "#on", handler.get("handler").asText());
            assertEquals("devui-group", handler.get("group").asText(), handler.toString());
            assertTrue(handler.get("channel").asText().startsWith("kafka-events-"), handler.toString());
            assertEquals("at-least-once", handler.get("guarantee").asText(), handler.toString());
            assertTrue(handler.get("duplicates") == null, "no inbox, no duplicate count: " + handler);

            JsonNode row = awaitDeadLetters(rpc, 3);
            assertEquals(DLT, row.get("deadLetterTopic").asText());
            assertEquals(1, row.get("channels").size(), "the handler channel reading the topic: " + row);

            DevUiJsonRpc.JsonRpcError unknown = assertThrows(DevUiJsonRpc.JsonRpcError.class,
                    () -> rpc.call(NAMESPACE + "_replay", Map.of("topic", "no.such.topic", "minutes", 10, "max", 5)));
            assertTrue(unknown.getMessage().contains("Unknown topic 'no.such.topic'"), unknown.getMessage());
            assertTrue(unknown.getMessage().contains(TOPIC), unknown.getMessage());
            DevUiJsonRpc.JsonRpcError noMax = assertThrows(DevUiJsonRpc.JsonRpcError.class,
                    () -> rpc.call(NAMESPACE + "_replay", Map.of("topic", TOPIC, "minutes", 10, "max", 0)));
            assertTrue(noMax.getMessage().contains("max must be positive, was 0"), noMax.getMessage());

            // at most two of the three
            assertEquals(2, rpc.call(NAMESPACE + "_replay", Map.of("topic", TOPIC, "minutes", 10, "max", 2)).asInt());

            List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, TOPIC);
            assertEquals(5, records.size(), "three published, two replayed");
            Map<String, Integer> perId = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                Header id = record.headers().lastHeader("ce_id");
                perId.merge(new String(id.value(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            assertEquals(3, perId.size(), "replayed records keep their CloudEvents id: " + perId);
            assertEquals(2, perId.values().stream().filter(n -> n == 2).count(), perId.toString());

            // the handler still fails: the replayed records come back to the dead-letter topic
            awaitDeadLetters(rpc, 5);
        }
    }

    private JsonNode awaitDeadLetters(DevUiJsonRpc rpc, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode row;
        do {
            JsonNode topics = rpc.call(NAMESPACE + "_getDeadLetterTopics", Map.of());
            assertEquals(1, topics.size(), topics.toString());
            row = topics.get(0);
            assertEquals(TOPIC, row.get("topic").asText());
            if (row.get("records").asLong() >= expected) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(expected, row.get("records").asLong(), row.toString());
        return row;
    }

    private String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), request.build().uri() + ": " + response.body());
        return response.body();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + PORT + path);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
