package io.quarkiverse.kafkaevents.it.orders;

import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitCheck;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitMetric;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitStatus;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.metric;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.scrape;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.sleep;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Operators see events flow: /q/health and /q/metrics of the sample service during a real flow.
 */
@QuarkusTest
class ObservabilityTest {

    static final String TOPIC = "test.sales.public.orders";

    @Test
    void readinessShowsThisInstanceAndWellnessTheBrokerAndTopics() {
        placeOrder(1);
        Map<String, Object> check = awaitCheck("/q/health/ready", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) check.get("data");
        assertEquals("provisioned", data.get("topics"), data.toString());
        assertTrue(data.entrySet().stream().anyMatch(e -> e.getKey().startsWith("consumers.kafka-events-orders-")
                && String.valueOf(e.getValue()).contains("partitions assigned")), data.toString());
        // causes every instance shares are wellness: the broker, the topics, the outbox's backlog
        assertTrue(data.keySet().stream().noneMatch(key -> key.startsWith("outbox") || key.startsWith("topic.")
                || key.equals("broker")), data.toString());
        Map<String, Object> broker = awaitCheck("/q/health/well", "kafka-events-broker", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> brokerData = (Map<String, Object>) broker.get("data");
        assertEquals("reachable", brokerData.get("broker"));
        assertEquals("3 partitions", brokerData.get("topic." + TOPIC));
        assertEquals("3 partitions", brokerData.get("topic." + TOPIC + ".dead-letter"));
        assertTrue(brokerData.values().stream().noneMatch(v -> String.valueOf(v).toLowerCase().contains("password")));
        Map<String, Object> outbox = awaitCheck("/q/health/well", "kafka-events-outbox", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> backlog = (Map<String, Object>) outbox.get("data");
        assertEquals("kafka_events_outbox", backlog.get("table"), backlog.toString());
        assertTrue(backlog.containsKey("pending") && backlog.containsKey("oldest-pending"), backlog.toString());
        assertEquals(0, backlog.get("failed"), backlog.toString());

        Map<String, Object> started = awaitCheck("/q/health/started", "UP");
        assertEquals("provisioned", ((Map<?, ?>) started.get("data")).get("topics"));
    }

    @Test
    void livenessOfHandlerChannelsComesFromSmallRyeReactiveMessaging() {
        // a consumer that died for good turns SmallRye's liveness check DOWN; the extension's channels are in it
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String live = "";
        while (System.nanoTime() < deadline) {
            live = given().get("/q/health/live").then().extract().asString();
            if (live.contains("\"status\": \"UP\"") || live.contains("\"status\":\"UP\"")) {
                break;
            }
            sleep(250);
        }
        assertTrue(live.contains("kafka-events-orders-"), live);
        assertTrue(live.contains("kafka-events-publisher"), live);
        JsonPath json = JsonPath.from(live);
        assertEquals("UP", json.getString("status"), live);
    }

    @Test
    void metricsCountPublishedHandledAndDeadLetteredEvents() {
        double publishedBefore = metric("kafka_events_published_total", "outcome=\"success\"", "type=\"OrderPlaced\"");
        double deadBefore = metric("kafka_events_dead_lettered_total", "type=\"OrderPlaced\"");
        double callsBefore = metric("kafka_events_handler_duration_seconds_count", "type=\"OrderPlaced\"",
                "group=\"test.orders-service\"");
        String ok = placeOrder(2);
        awaitStatus(ok, "CONFIRMED");
        placeOrder(OrderEvents.STOCK + 1); // out of stock: dead-lettered at once

        awaitMetric("kafka_events_dead_lettered_total", deadBefore + 1, "type=\"OrderPlaced\"",
                "group=\"test.orders-service\"");
        assertTrue(metric("kafka_events_published_total", "outcome=\"success\"", "type=\"OrderPlaced\"",
                "topic=\"" + TOPIC + "\"") >= publishedBefore + 2);
        assertTrue(metric("kafka_events_handled_total", "outcome=\"success\"", "type=\"OrderPlaced\"") >= 1);
        assertTrue(metric("kafka_events_handled_total", "outcome=\"dead-lettered\"", "type=\"OrderPlaced\"") >= 1);
        // the handler's time of both records, the dead-lettered one included
        assertTrue(metric("kafka_events_handler_duration_seconds_count", "type=\"OrderPlaced\"",
                "group=\"test.orders-service\"") >= callsBefore + 2);
        assertTrue(metric("kafka_events_publish_duration_seconds_count", "type=\"OrderPlaced\"") >= 2);
        String scrape = scrape();
        // a short, fixed set of buckets per series (14 and +Inf), not Micrometer's 74 of a percentile histogram
        long buckets = scrape.lines().filter(line -> line.startsWith("kafka_events_handler_duration_seconds_bucket{")
                && line.contains("type=\"OrderPlaced\"") && line.contains("group=\"test.orders-service\"")).count();
        assertEquals(15, buckets, "buckets of one handler duration series");
        assertTrue(scrape.contains("kafka_events_consumer_lag_seconds{"), "lag in seconds is exported");
        assertTrue(scrape.contains("kafka_events_consumer_lag{"), "lag in records is exported");
        // bounded tags: no order ids anywhere in the metrics
        assertTrue(!scrape.contains(ok), "metrics must not carry event keys");
    }

    @Test
    void deadLetteredOrdersCanBeReplayed() {
        double deadBefore = metric("kafka_events_dead_lettered_total", "type=\"OrderPlaced\"");
        placeOrder(OrderEvents.STOCK + 5);
        awaitMetric("kafka_events_dead_lettered_total", deadBefore + 1, "type=\"OrderPlaced\"");
        int replayed = given().queryParam("topic", TOPIC).queryParam("minutes", 10).queryParam("max", 1000)
                .when().post("/dead-letters/replay").then().statusCode(200).extract().path("replayed");
        assertTrue(replayed >= 1, "replayed " + replayed);
        // still out of stock: each replayed order is dead-lettered again
        awaitMetric("kafka_events_dead_lettered_total", deadBefore + 1 + replayed, "type=\"OrderPlaced\"");
        given().post("/dead-letters/replay").then().statusCode(400);
    }

    @Test
    void aBrokerThatStopsAnsweringIsWellnessNotReadiness() throws Exception {
        awaitCheck("/q/health/well", "kafka-events-broker", "UP");
        String running = System.getProperty("io.quarkiverse.kafkaevents.dev-broker.running");
        long pid = Long.parseLong(running.substring(0, running.indexOf('|')));
        signal("STOP", pid);
        try {
            Map<String, Object> down = awaitCheck("/q/health/well", "kafka-events-broker", "DOWN");
            assertTrue(String.valueOf(((Map<?, ?>) down.get("data")).get("broker")).startsWith("unreachable"),
                    down.toString());
            // every instance shares the broker: taking them all out of service would help nobody (SmallRye's
            // per-channel readiness, which would, is off for the extension's channels)
            String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
            assertEquals("UP", JsonPath.from(ready).getString("status"), ready);
        } finally {
            signal("CONT", pid);
        }
        awaitCheck("/q/health/well", "kafka-events-broker", "UP");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static String placeOrder(int quantity) {
        return SampleClient.placeOrder("beans", quantity);
    }
}
