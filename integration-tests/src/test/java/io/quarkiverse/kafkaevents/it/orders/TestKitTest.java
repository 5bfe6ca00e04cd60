package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkiverse.kafkaevents.test.DeadLetter;
import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.ForeignRecords;
import io.quarkiverse.kafkaevents.test.HandlerFailure;
import io.quarkiverse.kafkaevents.test.RecordedEvent;
import io.quarkiverse.kafkaevents.test.SessionReport;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The test kit (artifact {@code quarkus-kafka-events-test}) against the sample service and the dev broker: the
 * recorder, tracked sessions, foreign records and the isolation between tests. Shares the application start of the
 * sample's other tests.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestKitTest {

    static final Duration QUIET = Duration.ofMillis(500);
    static final String OUT_OF_STOCK = "io.quarkiverse.kafkaevents.it.orders.OutOfStockException";

    /** The order placed by the first isolation test, looked for by the second. */
    static volatile String previousTestOrder;

    @Inject
    EventRecorder recorder;

    @Inject
    ForeignRecords foreign;

    @Test
    @Order(1)
    void isolationFirstTestPublishesAnEvent() {
        String id = SampleClient.placeOrder("kit-isolation", 1);
        recorder.awaitEvent(OrderPlaced.class, e -> id.equals(e.key()));
        previousTestOrder = id;
    }

    @Test
    @Order(2)
    void isolationTheNextTestDoesNotSeeIt() {
        assertNotNull(previousTestOrder, "run with the previous test");
        // the record is on the topic, but it was written before this test started
        assertEquals(1, SampleClient.recordsOf(recorder.topicOf(OrderPlaced.class), previousTestOrder, "OrderPlaced",
                "read_committed").size());
        assertEquals(List.of(), recorder.events(OrderPlaced.class).stream()
                .filter(e -> previousTestOrder.equals(e.key())).toList());

        // reset() starts afresh within a test too
        String id = SampleClient.placeOrder("kit-reset", 1);
        recorder.awaitEvent(OrderPlaced.class, e -> id.equals(e.key()));
        recorder.reset();
        assertEquals(List.of(), recorder.events(OrderPlaced.class).stream().filter(e -> id.equals(e.key())).toList());
    }

    @Test
    void recorderFindsTheEventsOfAHandlerChainWithTheirAttributes() {
        String id = SampleClient.placeOrder("kit-latte", 2);
        RecordedEvent<OrderPlaced> placed = recorder.awaitEvent(OrderPlaced.class, e -> id.equals(e.key()));
        assertEquals(id, placed.event().orderId());
        assertEquals(2, placed.event().quantity());
        assertEquals("OrderPlaced", placed.type());
        assertEquals("/orders-service", placed.source());
        assertEquals(id, placed.subject());
        assertEquals("1.0", placed.specVersion());
        assertEquals("web", placed.attribute("channel"));
        assertNotNull(placed.id());
        assertNotNull(placed.time());
        assertEquals(EventFormat.BINARY, placed.format());
        assertEquals("test.sales.public.orders", placed.topic());
        assertEquals("web", placed.header("ce_channel"));

        // published by the OrderPlaced handler, through the outbox
        RecordedEvent<OrderConfirmed> confirmed = recorder.awaitEvent(OrderConfirmed.class,
                e -> id.equals(e.event().orderId()));
        assertEquals(id, confirmed.key());
        assertEquals("OrderConfirmed", confirmed.type());
    }

    @Test
    void assertNotPublishedFailsNamingTheEvent() {
        String id = SampleClient.placeOrder("kit-tea", 1);
        recorder.assertNotPublished(OrderCancelled.class, e -> id.equals(e.key()), QUIET);

        AssertionError error = assertThrows(AssertionError.class, () -> recorder
                .assertNotPublished(OrderConfirmed.class, e -> id.equals(e.key()), Duration.ofSeconds(20)));
        assertTrue(error.getMessage().startsWith("Expected no OrderConfirmed event matching the condition within"
                + " 20000 ms, but one was published"), error.getMessage());
        assertTrue(error.getMessage().contains("key=" + id), error.getMessage());

        AssertionError timedOut = assertThrows(AssertionError.class, () -> recorder.awaitEvent(OrderCancelled.class,
                e -> id.equals(e.key()), Duration.ofMillis(300)));
        assertTrue(timedOut.getMessage().startsWith("Expected 1 OrderCancelled event(s) matching the condition on"
                + " test.sales.public.orders within 300 ms, found 0; "), timedOut.getMessage());
    }

    @Test
    void aSessionThatDoesNotSettleInTimeSaysWhatIsLeft() {
        // three attempts over 1.5 s: a session of 300 ms cannot see the end
        String payment = "kit-slow-" + UUID.randomUUID();
        AssertionError error = assertThrows(AssertionError.class, () -> recorder.session()
                .timeout(Duration.ofMillis(300)).quietFor(Duration.ofMillis(100)).expectFailures().expectDeadLetters()
                .run(() -> foreign.plainJson(recorder.topicOf(PaymentRequested.class), payment,
                        "{\"paymentId\":\"" + payment + "\",\"orderId\":\"o-kit\",\"amountCents\":0}")));
        assertTrue(error.getMessage().startsWith("Kafka Events: the tracked session did not settle within 300 ms:"
                + " group test.orders-service has not committed test.sales.public.payments-"), error.getMessage());
        // let it finish here, so its dead letter does not land in another test's session
        recorder.awaitDeadLetter(d -> payment.equals(d.key()));
    }

    @Test
    void aSessionWaitsForATwoHopCascade() {
        String[] id = new String[1];
        SessionReport report = recorder.track(() -> id[0] = SampleClient.placeOrder("kit-cascade", 1));

        // no waiting from here on: OrderPlaced was handled, its OrderConfirmed relayed and handled by the batch handler
        assertEquals("CONFIRMED", given().get("/orders/" + id[0]).then().extract().path("status"));
        List<String> recent = given().get("/orders/confirmations").then().extract().path("recent");
        assertTrue(recent.contains(id[0]), "confirmations seen by the batch handler: " + recent);
        assertEquals(1, report.events(OrderConfirmed.class).stream().filter(e -> id[0].equals(e.key())).count());
        assertEquals(List.of(), report.failures());
        assertEquals(List.of(), report.deadLetters());
        assertTrue(report.duration().compareTo(Duration.ofSeconds(2)) >= 0, "the quiet window: " + report.duration());
    }

    @Test
    void aSessionWaitsThroughTheRetriesUntilTheDeadLetter() {
        // a payment request without an amount fails its three attempts (backoff 500 ms, then 1 s) and is dead-lettered:
        // nothing moves during the backoffs, but the group has not committed the record, so a quiet window of 100 ms
        // does not end the session before the dead letter
        String payment = "kit-no-amount-" + UUID.randomUUID();
        SessionReport report = recorder.session().quietFor(Duration.ofMillis(100)).expectFailures().expectDeadLetters()
                .run(() -> foreign.plainJson(recorder.topicOf(PaymentRequested.class), payment,
                        "{\"paymentId\":\"" + payment + "\",\"orderId\":\"o-kit\",\"amountCents\":0}"));

        assertEquals(List.of(1, 2, 3), report.failures().stream().map(HandlerFailure::attempt).toList(),
                report.toString());
        assertEquals(1, report.deadLetters().size(), report.toString());
        DeadLetter letter = report.deadLetters().get(0);
        assertEquals(payment, letter.key());
        assertEquals(3, letter.attempts());
        assertEquals("handler io.quarkiverse.kafkaevents.it.orders.Payments#onRequested failed:"
                + " java.lang.IllegalArgumentException: payment " + payment + " has no amount", letter.reason());
        assertEquals(List.of(), report.events(PaymentCaptured.class));
    }

    @Test
    void aSessionFailsOnAHandlerExceptionAndItsDeadLetterUnlessExpected() {
        AssertionError error = assertThrows(AssertionError.class, () -> recorder.session().quietFor(QUIET)
                .run(() -> SampleClient.placeOrder("kit-too-many", 500)));
        String message = error.getMessage();
        assertTrue(message.contains("2 unexpected problem(s)"), message);
        assertTrue(message.contains("handler io.quarkiverse.kafkaevents.it.orders.OrderEvents#onPlaced failed on"
                + " OrderPlaced test.sales.public.orders-"), message);
        assertTrue(message.contains(OUT_OF_STOCK + ": only 100 kit-too-many in stock"), message);
        assertTrue(message.contains("from test.sales.public.orders"), message);

        String[] id = new String[1];
        SessionReport report = recorder.session().quietFor(QUIET).expectFailures().expectDeadLetters()
                .run(() -> id[0] = SampleClient.placeOrder("kit-too-many", 500));
        assertEquals(1, report.failures().size(), report.toString());
        HandlerFailure failure = report.failures().get(0);
        assertEquals(OUT_OF_STOCK, failure.failure().getClass().getName());
        assertEquals(1, failure.attempt());
        assertEquals("OrderPlaced", failure.eventType());
        assertEquals(1, report.deadLetters().size(), report.toString());
        DeadLetter letter = report.deadLetters().get(0);
        assertEquals(id[0], letter.key());
        assertEquals("test.sales.public.orders.dead-letter", letter.topic());
        assertEquals("test.sales.public.orders", letter.originalTopic());
        assertTrue(letter.reason().startsWith("handler io.quarkiverse.kafkaevents.it.orders.OrderEvents#onPlaced"
                + " failed: " + OUT_OF_STOCK), letter.reason());
        assertEquals(OUT_OF_STOCK, letter.exceptionClass());
        assertEquals(1, letter.attempts());
    }

    @Test
    void foreignRecordsDriveTheHandlers() {
        // plain JSON: the payments topic carries one type, so the handler knows it
        String payment = "kit-pay-" + UUID.randomUUID();
        SessionReport paid = recorder.session().quietFor(QUIET).run(() -> foreign.plainJson(
                recorder.topicOf(PaymentRequested.class), payment,
                "{\"paymentId\":\"" + payment + "\",\"orderId\":\"o-kit\",\"amountCents\":700}"));
        List<RecordedEvent<PaymentCaptured>> captured = paid.events(PaymentCaptured.class);
        assertEquals(1, captured.size(), captured.toString());
        assertEquals(700, captured.get(0).event().amountCents());

        // structured and binary CloudEvents of another service cancel orders
        String orders = recorder.topicOf(OrderCancelled.class);
        String first = SampleClient.placeOrder("kit-structured", 1);
        String second = SampleClient.placeOrder("kit-binary", 1);
        recorder.session().quietFor(QUIET).run(() -> {
            foreign.structured(orders, first, "OrderCancelled", "{\"orderId\":\"" + first + "\",\"reason\":\"kit\"}");
            foreign.binary(orders, second, "OrderCancelled", "{\"orderId\":\"" + second + "\",\"reason\":\"kit\"}");
        });
        assertEquals("CANCELLED", given().get("/orders/" + first).then().extract().path("status"));
        assertEquals("CANCELLED", given().get("/orders/" + second).then().extract().path("status"));
        RecordedEvent<OrderCancelled> structured = recorder.awaitEvent(OrderCancelled.class,
                e -> first.equals(e.key()));
        assertEquals(EventFormat.STRUCTURED, structured.format());
        assertEquals(ForeignRecords.SOURCE, structured.source());
        assertEquals("kit", structured.event().reason());
    }

    @Test
    void garbageIsDeadLetteredWithItsReason() {
        String key = "kit-garbage-" + UUID.randomUUID();
        byte[] garbage = "\u0001not JSON at all".getBytes(StandardCharsets.UTF_8);
        SessionReport report = recorder.session().quietFor(QUIET).expectDeadLetters()
                .run(() -> foreign.bytes(recorder.topicOf(OrderPlaced.class), key, "OrderPlaced", garbage));
        assertEquals(1, report.deadLetters().size(), report.toString());
        DeadLetter letter = report.deadLetters().get(0);
        assertEquals(key, letter.key());
        assertTrue(letter.reason().startsWith(
                "payload does not match event type io.quarkiverse.kafkaevents.it.orders.OrderPlaced:"), letter.reason());
        assertEquals(0, letter.attempts());
        assertEquals(new String(garbage, StandardCharsets.UTF_8), letter.valueAsString());
        assertEquals(List.of(), report.failures(), "no handler was called");
    }

    @Test
    void anEventBreakingItsSchemaFailsTheRecorder() {
        // another service's payment request whose amount is text: the handler dead-letters it, the recorder fails
        String payment = "kit-bad-" + UUID.randomUUID();
        recorder.session().quietFor(QUIET).expectFailures().expectDeadLetters()
                .run(() -> foreign.plainJson(recorder.topicOf(PaymentRequested.class), payment,
                        "{\"paymentId\":\"" + payment + "\",\"orderId\":\"o-kit\",\"amountCents\":\"lots\"}"));
        AssertionError error = assertThrows(AssertionError.class, () -> recorder.events(PaymentRequested.class));
        assertTrue(error.getMessage().startsWith("Event of type PaymentRequested at test.sales.public.payments-"),
                error.getMessage());
        assertTrue(error.getMessage().contains("does not match its JSON Schema"), error.getMessage());
        assertTrue(error.getMessage().contains("amountCents"), error.getMessage());
    }
}
