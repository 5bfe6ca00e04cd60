package io.quarkiverse.kafkaevents.it.orders;

import static io.quarkiverse.kafkaevents.it.orders.SampleClient.header;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.quarkus.test.kafka.KafkaCompanionResource;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * An order placed over HTTP goes through the dev broker and comes back as a confirmation.
 */
@QuarkusTest
@QuarkusTestResource(KafkaCompanionResource.class)
class OrdersFlowTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void placedOrderIsPublishedToKafkaAndConfirmedByTheConsumer() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-1\",\"item\":\"espresso\",\"quantity\":2}")
                .when().post("/orders")
                .then().statusCode(201).body("status", equalTo("PLACED"))
                .extract().path("id");

        ConsumerTask<String, String> records = companion.consumeStrings().fromTopics("test.sales.public.orders")
                .awaitRecords(1, Duration.ofSeconds(30));
        // the handler publishes OrderConfirmed with the same key once it has handled OrderPlaced
        List<ConsumerRecord<String, String>> mine = records.getRecords().stream()
                .filter(r -> id.equals(r.key()) && "OrderPlaced".equals(header(r, "ce_type"))).toList();
        assertEquals(1, mine.size(), "OrderPlaced records with key " + id);
        ConsumerRecord<String, String> record = mine.get(0);
        assertEquals("OrderPlaced", header(record, "ce_type"));
        assertEquals("/orders-service", header(record, "ce_source"));
        assertEquals("web", header(record, "ce_channel"));
        assertEquals(id, header(record, "ce_subject"));
        assertTrue(record.value().contains("\"item\":\"espresso\""), record.value());
        assertTrue(record.value().contains("\"unitPrice\":2.50"), record.value());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status;
        do {
            status = given().when().get("/orders/" + id).then().statusCode(200).extract().path("status");
        } while (!"CONFIRMED".equals(status) && System.nanoTime() < deadline);
        assertEquals("CONFIRMED", status);

        // the handler's OrderConfirmed reaches the batch handler on the same topic
        List<String> recent;
        do {
            recent = given().when().get("/orders/confirmations").then().statusCode(200).extract().path("recent");
        } while (!recent.contains(id) && System.nanoTime() < deadline);
        assertTrue(recent.contains(id), "confirmations seen by the batch handler: " + recent);
    }

    @Test
    void cancelledOrderIsRoutedToItsOwnHandlerAfterThePlacement() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-2\",\"item\":\"tea\",\"quantity\":1}")
                .when().post("/orders")
                .then().statusCode(201).extract().path("id");
        given().when().delete("/orders/" + id + "?reason=changed+mind").then().statusCode(202);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status;
        do {
            status = given().when().get("/orders/" + id).then().statusCode(200).extract().path("status");
        } while (!"CANCELLED".equals(status) && System.nanoTime() < deadline);
        assertEquals("CANCELLED", status);

        List<Map<String, Object>> handled = given().when().get("/orders/events").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.key == '" + id + "' }");
        assertEquals(List.of("OrderPlaced", "OrderCancelled"), handled.stream().map(h -> h.get("type")).toList());
        assertEquals(1, handled.stream().map(h -> h.get("partition")).distinct().count());
        assertEquals("test.sales.public.orders", handled.get(0).get("topic"));
        assertEquals("web", handled.get(0).get("channel"));
    }

    @Test
    void invalidOrderIsRejected() {
        given().contentType(ContentType.JSON).body("{\"item\":\"\",\"quantity\":0}")
                .when().post("/orders")
                .then().statusCode(400);
    }

    @Test
    void kafkaCompanionTalksToTheDevBroker() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        assertEquals(bootstrap, companion.getBootstrapServers());
        DevBrokerProcesses.assertSameBrokerAsOtherTestClasses(bootstrap);
    }
}
