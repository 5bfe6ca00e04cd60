package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * One trace from the HTTP request through publishing, the handler, and the event the handler publishes.
 */
@QuarkusTest
class TracingTest {

    static final String TOPIC = "test.sales.public.orders";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void requestPublishHandlerAndFollowUpEventShareOneTrace() {
        spans.reset();
        placeOrder(1);

        SpanData process = awaitSpan(s -> isProcessOf(s, "OrderPlaced"));
        SpanData server = awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().contains("/orders"));
        assertEquals(server.getTraceId(), process.getTraceId(), "handler span in the trace of the HTTP request");
        assertEquals("OrderPlaced", process.getAttributes().get(AttributeKey.stringKey("kafka-events.type")));
        assertEquals("test.orders-service",
                process.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")));
        assertNotNull(process.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")));
        assertEquals(1L, process.getAttributes().get(AttributeKey.longKey("kafka-events.attempt")));

        // parent chain: handler span -> ... -> producer span -> ... -> server span
        Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
        List<SpanData> ancestors = ancestors(process, byId);
        assertTrue(ancestors.stream().anyMatch(s -> s.getKind() == SpanKind.PRODUCER), names(ancestors));
        assertTrue(ancestors.stream().anyMatch(s -> s.getSpanId().equals(server.getSpanId())), names(ancestors));

        // the handler span is the record's only consumer span, a direct child of the producer span that wrote the
        // record's traceparent: the connector's per-record consumer span is off for handler channels
        SpanData producer = ancestors.get(0);
        assertEquals(SpanKind.PRODUCER, producer.getKind(), names(ancestors));
        assertEquals(TOPIC + " publish", producer.getName(), names(ancestors));
        List<SpanData> consumers = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER && s.getParentSpanId().equals(producer.getSpanId()))
                .toList();
        assertEquals(List.of(process.getSpanId()), consumers.stream().map(SpanData::getSpanId).toList(),
                names(consumers));

        // the event the handler published is a child of the handler span
        SpanData followUp = awaitSpan(s -> s.getKind() == SpanKind.PRODUCER
                && s.getTraceId().equals(process.getTraceId())
                && ancestors(s, currentSpans()).stream().anyMatch(a -> a.getSpanId().equals(process.getSpanId())));
        assertEquals(process.getTraceId(), followUp.getTraceId());

        // no consumer span in the trace but the extension's handler spans
        List<SpanData> otherConsumers = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(process.getTraceId()) && s.getKind() == SpanKind.CONSUMER
                        && !(s.getName().endsWith(" process")
                                && s.getAttributes().get(AttributeKey.stringKey("kafka-events.type")) != null))
                .toList();
        assertTrue(otherConsumers.isEmpty(), names(otherConsumers));
    }

    @Test
    void deadLetteringIsRecordedOnTheHandlerSpan() {
        spans.reset();
        placeOrder(OrderEvents.STOCK + 1);
        SpanData process = awaitSpan(s -> isProcessOf(s, "OrderPlaced")
                && s.getEvents().stream().anyMatch(e -> e.getName().equals("kafka-events.dead-letter")));
        assertEquals(StatusCode.ERROR, process.getStatus().getStatusCode());
        assertTrue(process.getEvents().stream().anyMatch(e -> e.getName().equals("exception")),
                "the failure is recorded as an exception event");
        assertEquals(TOPIC + ".dead-letter", process.getEvents().stream()
                .filter(e -> e.getName().equals("kafka-events.dead-letter")).findFirst().orElseThrow()
                .getAttributes().get(AttributeKey.stringKey("kafka-events.dead-letter.topic")));
    }

    private static boolean isProcessOf(SpanData span, String type) {
        return span.getKind() == SpanKind.CONSUMER && span.getName().equals(TOPIC + " process")
                && type.equals(span.getAttributes().get(AttributeKey.stringKey("kafka-events.type")));
    }

    private Map<String, SpanData> currentSpans() {
        return spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
    }

    private static List<SpanData> ancestors(SpanData span, Map<String, SpanData> byId) {
        List<SpanData> chain = new java.util.ArrayList<>();
        Optional<SpanData> parent = Optional.ofNullable(byId.get(span.getParentSpanId()));
        while (parent.isPresent() && chain.size() < 20) {
            chain.add(parent.get());
            parent = Optional.ofNullable(byId.get(parent.get().getParentSpanId()));
        }
        return chain;
    }

    private static String names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getKind() + " " + s.getName()).toList().toString();
    }

    private SpanData awaitSpan(Predicate<SpanData> predicate) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> found = spans.getFinishedSpanItems().stream().filter(predicate).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no such span among " + spans.getFinishedSpanItems().stream()
                .map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes()).toList());
    }

    private static String placeOrder(int quantity) {
        return given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-trace\",\"item\":\"tea\",\"quantity\":" + quantity + "}")
                .when().post("/orders").then().statusCode(201).extract().path("id");
    }
}
