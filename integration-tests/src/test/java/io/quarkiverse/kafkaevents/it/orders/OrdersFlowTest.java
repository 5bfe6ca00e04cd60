package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.ForeignRecords;
import io.quarkiverse.kafkaevents.test.RecordedEvent;
import io.quarkiverse.kafkaevents.test.TrackedSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.quarkus.test.kafka.KafkaCompanionResource;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * An order placed over HTTP goes through the dev broker and comes back as a confirmation.
 */
@QuarkusTest
@QuarkusTestResource(KafkaCompanionResource.class)
class OrdersFlowTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Inject
    EventRecorder recorder;

    @Inject
    ForeignRecords foreign;

    /** Runs the action and returns once what it caused is handled (a short quiet window: offsets tell the rest). */
    private void settle(TrackedSession.Action action) {
        recorder.session().quietFor(Duration.ofMillis(300)).run(action);
    }

    @Test
    void placedOrderIsPublishedToKafkaAndConfirmedByTheConsumer() {
        String[] placedId = new String[1];
        // returns once the order's events are handled: OrderPlaced, then the OrderConfirmed its handler published
        settle(() -> placedId[0] = given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-1\",\"item\":\"espresso\",\"quantity\":2}")
                .when().post("/orders")
                .then().statusCode(201).body("status", equalTo("PLACED"))
                .extract().path("id"));
        String id = placedId[0];

        List<RecordedEvent<OrderPlaced>> mine = recorder.events(OrderPlaced.class).stream()
                .filter(e -> id.equals(e.key())).toList();
        assertEquals(1, mine.size(), "OrderPlaced records with key " + id);
        RecordedEvent<OrderPlaced> placed = mine.get(0);
        assertEquals("/orders-service", placed.source());
        assertEquals("web", placed.attribute("channel"));
        assertEquals(id, placed.subject());
        assertEquals("espresso", placed.event().item());
        assertTrue(placed.json().contains("\"unitPrice\":2.50"), placed.json());

        assertEquals("CONFIRMED", given().when().get("/orders/" + id).then().statusCode(200).extract().path("status"));
        // the handler's OrderConfirmed reached the batch handler on the same topic
        List<String> recent = given().when().get("/orders/confirmations").then().statusCode(200).extract()
                .path("recent");
        assertTrue(recent.contains(id), "confirmations seen by the batch handler: " + recent);
    }

    @Test
    void anOrderPlacedDeliveredAgainIsHandledOnce() {
        String[] placedId = new String[1];
        settle(() -> placedId[0] = SampleClient.placeOrder("cocoa", 1));
        String id = placedId[0];
        double duplicatesBefore = inboxDuplicates();
        // the same record again, as a crash before the offset commit would deliver it: same key, value and ce_id
        RecordedEvent<OrderPlaced> placed = recorder.awaitEvent(OrderPlaced.class, e -> id.equals(e.key()));
        RecordHeaders headers = new RecordHeaders();
        placed.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        settle(() -> foreign.send(new ProducerRecord<>(placed.topic(), placed.partition(), placed.key(),
                placed.json().getBytes(StandardCharsets.UTF_8), headers)));

        assertEquals(duplicatesBefore + 1, inboxDuplicates(), "inbox duplicates counted");
        // handled once: one OrderPlaced seen by the handler, one OrderConfirmed on the topic
        List<Map<String, Object>> handled = given().when().get("/orders/events").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.key == '" + id + "' }");
        assertEquals(List.of("OrderPlaced"), handled.stream().map(h -> h.get("type")).toList());
        assertEquals(1, recorder.events(OrderConfirmed.class).stream().filter(e -> id.equals(e.key())).count(),
                "OrderConfirmed records of " + id);
        assertEquals(2, recorder.events(OrderPlaced.class).stream().filter(e -> id.equals(e.key())).count(),
                "the OrderPlaced record and its copy");
    }

    @Test
    void aPaymentIsCapturedOnceInAKafkaTransaction() {
        String paymentId = given().when().post("/orders/o-pay/payments?amountCents=1250")
                .then().statusCode(202).extract().path("paymentId");
        // the recorder reads read_committed
        List<RecordedEvent<PaymentCaptured>> captured = recorder.awaitEvents(PaymentCaptured.class, 1,
                e -> paymentId.equals(e.key()));
        assertEquals(1, captured.size(), "captures of " + paymentId);
        assertEquals("test.orders-service", captured.get(0).event().capturedBy());
        // written in a transaction: a read_uncommitted reader finds it once too, and the transaction's commit counted
        assertEquals(1, SampleClient.recordsOf("test.sales.public.payment-captures", paymentId, "PaymentCaptured",
                "read_uncommitted").size());
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

    private static double inboxDuplicates() {
        Matcher m = Pattern.compile("(?m)^kafka_events_inbox_duplicates_total(\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(SampleClient.scrape());
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    @Test
    void cancelledOrderIsRoutedToItsOwnHandlerAfterThePlacement() {
        String[] placedId = new String[1];
        settle(() -> {
            placedId[0] = SampleClient.placeOrder("tea", 1);
            given().when().delete("/orders/" + placedId[0] + "?reason=changed+mind").then().statusCode(202);
        });
        String id = placedId[0];
        assertEquals("CANCELLED", given().when().get("/orders/" + id).then().statusCode(200).extract().path("status"));

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
