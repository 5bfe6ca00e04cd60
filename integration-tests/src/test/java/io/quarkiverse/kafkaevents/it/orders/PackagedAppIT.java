package io.quarkiverse.kafkaevents.it.orders;

import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitCheck;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitMetric;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitStatus;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.header;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.placeOrder;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.quarkus.test.kafka.KafkaCompanionResource;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The sample as users ship it: the packaged application ({@code target/quarkus-app/quarkus-run.jar}, the jar
 * {@code quarkus:build} made) started as its own process against the dev broker and the dev PostgreSQL, and driven
 * only from outside: over HTTP and by reading its topic. What the {@code @QuarkusTest} classes prove on the
 * application's classes, this proves on the artifact: generated dispatch code, the schemas and the outbox DDL inside
 * the jar, the build-time configuration as packaged.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(KafkaCompanionResource.class)
class PackagedAppIT {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void thePackagedJarPublishesThroughTheOutboxHandlesAndReports() {
        String id = placeOrder("ristretto", 3);

        // the OrderPlaced record, read back raw from the topic of the profile the jar runs with (test); the topic may
        // hold records of earlier test classes on the same dev broker, so wait for this order's record
        List<ConsumerRecord<String, String>> placed = List.of();
        try (ConsumerTask<String, String> records = companion.consumeStrings().fromTopics("test.sales.public.orders")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (placed.isEmpty() && System.nanoTime() < deadline) {
                SampleClient.sleep(100);
                placed = records.getRecords().stream()
                        .filter(r -> id.equals(r.key()) && "OrderPlaced".equals(header(r, "ce_type"))).toList();
            }
            SampleClient.sleep(500); // a second record of the order would be a duplicate
            placed = records.getRecords().stream()
                    .filter(r -> id.equals(r.key()) && "OrderPlaced".equals(header(r, "ce_type"))).toList();
        }
        assertEquals(1, placed.size(), "OrderPlaced records with key " + id);
        assertEquals("/orders-service", header(placed.get(0), "ce_source"));
        assertTrue(placed.get(0).value().contains("\"item\":\"ristretto\""), placed.get(0).value());

        // the jar's own handler confirms it
        awaitStatus(id, "CONFIRMED");

        // health and metrics of the packaged application
        awaitCheck("/q/health/ready", "UP");
        awaitMetric("kafka_events_published_total", 1, "type=\"OrderPlaced\"", "outcome=\"success\"");
        awaitMetric("kafka_events_handled_total", 1, "type=\"OrderPlaced\"", "outcome=\"success\"");

        // the build-time AsyncAPI document, served by the jar (quarkus.kafka-events.asyncapi.enabled)
        given().get("/q/kafka-events/asyncapi").then().statusCode(200)
                .body("asyncapi", equalTo("3.0.0"))
                .body("info.title", equalTo("orders-service"));
    }
}
