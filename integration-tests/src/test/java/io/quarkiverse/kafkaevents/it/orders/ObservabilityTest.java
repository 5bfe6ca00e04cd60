package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Operators see events flow: /q/health and /q/metrics of the sample service during a real flow.
 */
@QuarkusTest
class ObservabilityTest {

    static final String TOPIC = "test.sales.public.orders";

    @Test
    void readinessShowsBrokerTopicsAndConsumers() {
        placeOrder(1);
        Map<String, Object> check = awaitCheck("/q/health/ready", "UP");
        @SuppressWarnings("unchecked")
        Map<String, String> data = (Map<String, String>) check.get("data");
        assertEquals("reachable", data.get("broker"));
        assertEquals("3 partitions", data.get("topic." + TOPIC));
        assertEquals("3 partitions", data.get("topic." + TOPIC + ".dead-letter"));
        assertTrue(data.entrySet().stream().anyMatch(e -> e.getKey().startsWith("consumers.kafka-events-orders-")
                && e.getValue().contains("partitions assigned")), data.toString());
        assertTrue(data.values().stream().noneMatch(v -> v.toLowerCase().contains("password")));

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
        String ok = placeOrder(2);
        awaitStatus(ok, "CONFIRMED");
        placeOrder(OrderEvents.STOCK + 1); // out of stock: dead-lettered at once

        awaitMetric("kafka_events_dead_lettered_total", deadBefore + 1, "type=\"OrderPlaced\"", "group=\"orders-service\"");
        assertTrue(metric("kafka_events_published_total", "outcome=\"success\"", "type=\"OrderPlaced\"",
                "topic=\"" + TOPIC + "\"") >= publishedBefore + 2);
        assertTrue(metric("kafka_events_handled_total", "outcome=\"success\"", "type=\"OrderPlaced\"") >= 1);
        assertTrue(metric("kafka_events_handled_total", "outcome=\"dead-lettered\"", "type=\"OrderPlaced\"") >= 1);
        assertTrue(metric("kafka_events_handler_duration_seconds_count", "type=\"OrderPlaced\"") >= 1);
        assertTrue(metric("kafka_events_publish_duration_seconds_count", "type=\"OrderPlaced\"") >= 2);
        String scrape = scrape();
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
    void readinessGoesDownWhenTheBrokerStopsAnsweringAndUpAgain() throws Exception {
        awaitCheck("/q/health/ready", "UP");
        String running = System.getProperty("io.quarkiverse.kafkaevents.dev-broker.running");
        long pid = Long.parseLong(running.substring(0, running.indexOf('|')));
        signal("STOP", pid);
        try {
            Map<String, Object> down = awaitCheck("/q/health/ready", "DOWN");
            assertTrue(String.valueOf(((Map<?, ?>) down.get("data")).get("broker")).startsWith("unreachable"),
                    down.toString());
        } finally {
            signal("CONT", pid);
        }
        awaitCheck("/q/health/ready", "UP");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static String placeOrder(int quantity) {
        return given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-obs\",\"item\":\"beans\",\"quantity\":" + quantity + "}")
                .when().post("/orders").then().statusCode(201).extract().path("id");
    }

    private static void awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(given().get("/orders/" + id).then().extract().path("status"))) {
                return;
            }
        }
        throw new AssertionError("order " + id + " never became " + status);
    }

    /** Polls a health endpoint until the kafka-events check has the status; returns the check. */
    private static Map<String, Object> awaitCheck(String path, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> check = null;
        while (System.nanoTime() < deadline) {
            JsonPath json = given().get(path).then().extract().jsonPath();
            List<Map<String, Object>> checks = json.getList("checks");
            check = checks.stream().filter(c -> "kafka-events".equals(c.get("name"))).findFirst().orElse(null);
            if (check != null && status.equals(check.get("status"))) {
                return check;
            }
            sleep(250);
        }
        throw new AssertionError("kafka-events check never " + status + " on " + path + ", last: " + check);
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Sum of the samples of a metric whose labels contain all the given fragments. */
    private static double metric(String name, String... labels) {
        double sum = 0;
        // a sample may be followed by an exemplar (" # {trace_id=...} ...") when tracing is on
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)( #.*)?$")
                .matcher(scrape());
        while (m.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= m.group(1).contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private static void awaitMetric(String name, double atLeast, String... labels) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double value = 0;
        while (System.nanoTime() < deadline) {
            value = metric(name, labels);
            if (value >= atLeast) {
                return;
            }
            sleep(250);
        }
        throw new AssertionError(name + " stayed at " + value + ", expected at least " + atLeast);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
