package io.quarkiverse.kafkaevents.outbox;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.kafkaevents.deployment.devui.DevUiJsonRpc;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * The Dev UI's outbox page, through the JSON-RPC websocket the page uses, on a real PostgreSQL and the dev broker: a
 * row the broker refuses is listed as FAILED with its error, the later row of its key as PENDING; skipping the failed
 * row lets its key flow, retrying one (after raising the topic's limit) sends it with its CloudEvents id; both show in
 * the table and on the topic.
 */
public class OutboxDevUiTest {

    static final String NAMESPACE = "quarkus-kafka-events";
    static final int PORT = freePort();
    /** Unique per run: the dev broker may outlive the run (and be adopted by the next), topics with it. */
    static final String ENVIRONMENT = "obxui" + Long.toString(System.currentTimeMillis(), 36);
    static final String TOPIC = ENVIRONMENT + ".devui.public.bookings";
    static final String TABLE = "devui_outbox";

    @RegisterExtension
    static final QuarkusDevModeTest app = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(OutboxDevUiApp.class, OutboxDevUiApp.TicketBooked.class,
                    OutboxDevUiApp.Bookings.class, OutboxDevUiApp.TestRoutes.class)
                    .addAsResource(new StringAsset(String.join("\n",
                            "quarkus.http.port=" + PORT,
                            "quarkus.application.name=outbox-devui-test",
                            "quarkus.kafka-events.environment=" + ENVIRONMENT,
                            "quarkus.kafka-events.delivery=outbox",
                            "quarkus.kafka-events.outbox.table=" + TABLE,
                            "quarkus.kafka-events.outbox.relay-interval=200ms",
                            "quarkus.kafka-events.events.\"TicketBooked\".config.\"max.message.bytes\"=4096",
                            "quarkus.datasource.db-kind=postgresql",
                            "quarkus.datasource.jdbc.url=" + TestDatabase.url(),
                            "quarkus.datasource.username=postgres",
                            "quarkus.datasource.password=postgres",
                            "quarkus.datasource.devservices.enabled=false")), "application.properties"));

    private final HttpClient http = HttpClient.newHttpClient();

    // one test method: QuarkusDevModeTest starts the application anew for each
    @Test
    void outboxPageListsFailedRowsAndResolvesThem() throws Exception {
        String pages = get("/q/dev-ui/devui-data.js");
        assertTrue(pages.contains("qwc-kafka-events-outbox.js") && pages.contains("Outbox"), pages);
        String component = get("/q/dev-ui/" + NAMESPACE + "/qwc-kafka-events-outbox.js");
        assertTrue(component.contains("customElements.define('qwc-kafka-events-outbox'"), component);
        String bootstrap = get("/outbox-devui/bootstrap");

        book("show-1", "big-1", 8000); // over the topic's max.message.bytes: refused
        book("show-1", "after-1", 0); // same key: waits behind the refused row
        book("show-2", "big-2", 8000);

        try (DevUiJsonRpc rpc = new DevUiJsonRpc(PORT)) {
            JsonNode outbox = awaitOutbox(rpc, o -> rows(o, "FAILED").size() == 2);
            assertEquals(TABLE, outbox.get("table").asText());
            JsonNode rows = outbox.get("rows");
            assertEquals(3, rows.size(), rows.toString());
            // failed rows first, in write order, then the pending one
            JsonNode big1 = rows.get(0);
            JsonNode big2 = rows.get(1);
            JsonNode after1 = rows.get(2);
            assertEquals("show-1", big1.get("key").asText(), rows.toString());
            assertEquals("show-2", big2.get("key").asText(), rows.toString());
            for (JsonNode failed : List.of(big1, big2)) {
                assertEquals("FAILED", failed.get("status").asText(), failed.toString());
                assertEquals("TicketBooked", failed.get("type").asText(), failed.toString());
                assertEquals(TOPIC, failed.get("topic").asText());
                assertTrue(failed.get("attempts").asInt() >= 1, failed.toString());
                assertTrue(failed.get("lastError").asText().contains("RecordTooLarge"), failed.toString());
                assertTrue(failed.get("created").asText().contains("T"), failed.toString());
                assertFalse(failed.get("nextAttempt").isNull(), failed.toString());
            }
            assertEquals("PENDING", after1.get("status").asText(), after1.toString());
            assertEquals("show-1", after1.get("key").asText());
            assertFalse(after1.hasNonNull("lastError"), "never tried: " + after1);

            // bounded
            assertEquals(1, rpc.call(NAMESPACE + "_getOutbox", Map.of("limit", 1)).get("rows").size());
            DevUiJsonRpc.JsonRpcError noLimit = assertThrows(DevUiJsonRpc.JsonRpcError.class,
                    () -> rpc.call(NAMESPACE + "_getOutbox", Map.of("limit", 0)));
            assertTrue(noLimit.getMessage().contains("limit must be positive, was 0"), noLimit.getMessage());
            // only failed rows can be resolved
            DevUiJsonRpc.JsonRpcError unknown = assertThrows(DevUiJsonRpc.JsonRpcError.class,
                    () -> rpc.call(NAMESPACE + "_retryOutboxRow", Map.of("id", "no-such-row")));
            assertTrue(unknown.getMessage().contains("No failed row 'no-such-row' in the outbox table " + TABLE),
                    unknown.getMessage());
            DevUiJsonRpc.JsonRpcError pending = assertThrows(DevUiJsonRpc.JsonRpcError.class,
                    () -> rpc.call(NAMESPACE + "_skipOutboxRow", Map.of("id", after1.get("id").asText())));
            assertTrue(pending.getMessage().contains("No failed row"), pending.getMessage());

            // skip: the refused event is deleted, never sent; the next event of its key goes on
            String big1Id = big1.get("id").asText();
            assertTrue(rpc.call(NAMESPACE + "_skipOutboxRow", Map.of("id", big1Id)).asBoolean());
            awaitRecords(bootstrap, records -> records.stream().anyMatch(r -> payload(r).contains("after-1")));
            outbox = awaitOutbox(rpc, o -> o.get("rows").size() == 1);
            assertEquals(big2.get("id").asText(), outbox.get("rows").get(0).get("id").asText(), outbox.toString());
            assertTrue(TestDatabase.column("SELECT id FROM " + TABLE + " WHERE id = '" + big1Id + "'").isEmpty());

            // retry, once the cause is fixed: the event is sent with its CloudEvents id, its row deleted
            String big2Id = big2.get("id").asText();
            raiseMaxMessageBytes(bootstrap);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (RawRecords.readAll(bootstrap, TOPIC).stream().noneMatch(r -> payload(r).contains("big-2"))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("big-2 not sent; outbox: "
                            + rpc.call(NAMESPACE + "_getOutbox", Map.of("limit", 10)));
                }
                // the broker may still refuse it while the new limit spreads: retry each time it failed again
                if (!rows(rpc.call(NAMESPACE + "_getOutbox", Map.of("limit", 10)), "FAILED").isEmpty()) {
                    assertTrue(rpc.call(NAMESPACE + "_retryOutboxRow", Map.of("id", big2Id)).asBoolean());
                }
                Thread.sleep(300);
            }
            awaitOutbox(rpc, o -> o.get("rows").size() == 0);
            List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, TOPIC);
            ConsumerRecord<String, byte[]> sent = records.stream().filter(r -> payload(r).contains("big-2"))
                    .findFirst().orElseThrow();
            assertEquals(big2Id, new String(sent.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
            assertEquals(1, records.stream().filter(r -> payload(r).contains("big-2")).count());
            assertTrue(records.stream().noneMatch(r -> payload(r).contains("big-1")), "a skipped event was sent");
            assertTrue(TestDatabase.column("SELECT id FROM " + TABLE).isEmpty());
        }
    }

    private static List<JsonNode> rows(JsonNode outbox, String status) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : outbox.get("rows")) {
            if (status.equals(row.get("status").asText())) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static JsonNode awaitOutbox(DevUiJsonRpc rpc, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode outbox;
        do {
            outbox = rpc.call(NAMESPACE + "_getOutbox", Map.of("limit", 100));
            if (condition.test(outbox)) {
                return outbox;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("outbox not as expected within 30 s: " + outbox);
    }

    private static void awaitRecords(String bootstrap, Predicate<List<ConsumerRecord<String, byte[]>>> condition) {
        TestDatabase.await(() -> condition.test(RawRecords.readAll(bootstrap, TOPIC)), TABLE);
    }

    private static String payload(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static void raiseMaxMessageBytes(String bootstrap) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", "1048576"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private void book(String show, String seat, int size) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/outbox-devui/book?show=" + show
                + "&seat=" + seat + "&size=" + size)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET()
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
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
