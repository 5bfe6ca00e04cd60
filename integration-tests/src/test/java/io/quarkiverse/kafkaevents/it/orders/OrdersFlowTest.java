package io.quarkiverse.kafkaevents.it.orders;

import static io.quarkiverse.kafkaevents.it.orders.SampleClient.header;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    void anOrderPlacedDeliveredAgainIsHandledOnce() {
        String id = SampleClient.placeOrder("cocoa", 1);
        SampleClient.awaitStatus(id, "CONFIRMED");
        double duplicatesBefore = inboxDuplicates();
        // the same record again, as a crash before the offset commit would deliver it: same key, value and ce_id
        ConsumerRecord<String, String> placed = recordsOf(id, "OrderPlaced").get(0);
        companion.produceStrings().fromRecords(new ProducerRecord<>(placed.topic(), placed.partition(), placed.key(),
                placed.value(), placed.headers())).awaitCompletion(Duration.ofSeconds(30));

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inboxDuplicates() < duplicatesBefore + 1 && System.nanoTime() < deadline) {
            SampleClient.sleep(200);
        }
        assertEquals(duplicatesBefore + 1, inboxDuplicates(), "inbox duplicates counted");
        // handled once: one OrderPlaced seen by the handler, one OrderConfirmed on the topic
        List<Map<String, Object>> handled = given().when().get("/orders/events").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.key == '" + id + "' }");
        assertEquals(List.of("OrderPlaced"), handled.stream().map(h -> h.get("type")).toList());
        assertEquals(1, recordsOf(id, "OrderConfirmed").size(), "OrderConfirmed records of " + id);
        assertEquals(2, recordsOf(id, "OrderPlaced").size(), "the OrderPlaced record and its copy");
    }

    @Test
    void aPaymentIsCapturedOnceInAKafkaTransaction() {
        String paymentId = given().when().post("/orders/o-pay/payments?amountCents=1250")
                .then().statusCode(202).extract().path("paymentId");
        String captures = "test.sales.public.payment-captures";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, String>> captured = SampleClient.recordsOf(captures, paymentId, "PaymentCaptured",
                "read_committed");
        while (captured.isEmpty() && System.nanoTime() < deadline) {
            SampleClient.sleep(200);
            captured = SampleClient.recordsOf(captures, paymentId, "PaymentCaptured", "read_committed");
        }
        assertEquals(1, captured.size(), "captures of " + paymentId);
        assertTrue(captured.get(0).value().contains("\"capturedBy\":\"test.orders-service\""),
                captured.get(0).value());
        // written in a transaction: a read_committed reader and the transaction's commit marker
        assertEquals(1, SampleClient.recordsOf(captures, paymentId, "PaymentCaptured", "read_uncommitted").size());
        assertTrue(transactionsCommitted() >= 1, "kafka_events_transactions_total{outcome=committed}");
    }

    private static double transactionsCommitted() {
        Matcher m = Pattern.compile("(?m)^kafka_events_transactions_total\\{[^}]*outcome=\"committed\"[^}]*\\}"
                + " ([0-9.eE+-]+)$").matcher(SampleClient.scrape());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** The records of an order of one CloudEvents type, reading the orders topic to its current end. */
    private static List<ConsumerRecord<String, String>> recordsOf(String id, String type) {
        return SampleClient.recordsOf("test.sales.public.orders", id, type, "read_uncommitted");
    }

    private static double inboxDuplicates() {
        Matcher m = Pattern.compile("(?m)^kafka_events_inbox_duplicates_total(\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(SampleClient.scrape());
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
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
