package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * What the sample's tests do over HTTP: place orders, wait for their status, read health checks and metrics.
 */
final class SampleClient {

    private SampleClient() {
    }

    static String placeOrder(String item, int quantity) {
        return given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-test\",\"item\":\"" + item + "\",\"quantity\":" + quantity + "}")
                .when().post("/orders").then().statusCode(201).extract().path("id");
    }

    static void awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(given().get("/orders/" + id).then().extract().path("status"))) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("order " + id + " never became " + status);
    }

    /** Polls a health endpoint until the kafka-events check has the status; returns the check. */
    static Map<String, Object> awaitCheck(String path, String status) {
        return awaitCheck(path, "kafka-events", status);
    }

    /** Waits (at most 30 s) until the check of that name on that endpoint has the status; returns it. */
    static Map<String, Object> awaitCheck(String path, String name, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> check = null;
        while (System.nanoTime() < deadline) {
            JsonPath json = given().get(path).then().extract().jsonPath();
            List<Map<String, Object>> checks = json.getList("checks");
            check = checks.stream().filter(c -> name.equals(c.get("name"))).findFirst().orElse(null);
            if (check != null && status.equals(check.get("status"))) {
                return check;
            }
            sleep(250);
        }
        throw new AssertionError(name + " check never " + status + " on " + path + ", last: " + check);
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Sum of the samples of a metric whose labels contain all the given fragments. */
    static double metric(String name, String... labels) {
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

    static void awaitMetric(String name, double atLeast, String... labels) {
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

    /** The value of a record header, as UTF-8, or {@code null}. */
    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The records with this key (and this CloudEvents type, unless {@code null}) that a reader with this
     * {@code isolation.level} finds on the topic, read to its current end.
     */
    static List<ConsumerRecord<String, String>> recordsOf(String topic, String id, String type,
            String isolation) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> found = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "could not read " + topic + " to its end");
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (id.equals(record.key()) && (type == null || type.equals(header(record, "ce_type")))) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }
}
