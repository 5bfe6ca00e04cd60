package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;

/**
 * The checks of the outbox tracing tests (fast path and relay): an event published in a transaction under a span is
 * sent, whenever that is, with a {@code traceparent} of the publishing trace, and handled in that trace; one
 * published with no span current does not join it.
 */
abstract class OutboxTracing {

    @Inject
    TracedShipments.Shipments shipments;

    @Inject
    TracedShipments.Receiver receiver;

    @Inject
    OpenTelemetry openTelemetry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    abstract String table();

    @Test
    void sentRecordContinuesThePublishingTrace() {
        String parcel = "p-" + UUID.randomUUID();
        Span span = openTelemetry.getTracer("outbox-tracing-test").spanBuilder("ship " + parcel).startSpan();
        String traceId = span.getSpanContext().getTraceId();
        try (Scope scope = span.makeCurrent()) {
            shipments.send(parcel);
        } finally {
            span.end();
        }
        String untraced = "p-" + UUID.randomUUID();
        shipments.send(untraced);

        ConsumerRecord<String, byte[]> record = awaitRecord(parcel);
        List<Header> traceparents = new ArrayList<>();
        record.headers().headers("traceparent").forEach(traceparents::add);
        assertEquals(1, traceparents.size(), "one traceparent header");
        String[] traceparent = new String(traceparents.get(0).value(), StandardCharsets.UTF_8).split("-");
        assertEquals(4, traceparent.length);
        assertEquals(traceId, traceparent[1], "the record continues the publishing trace");

        TestDatabase.await(() -> receiver.traceIds.containsKey(parcel), table());
        assertEquals(traceId, receiver.traceIds.get(parcel), "the handler runs in the publishing trace");

        ConsumerRecord<String, byte[]> other = awaitRecord(untraced);
        Header otherParent = other.headers().lastHeader("traceparent");
        if (otherParent != null) {
            assertNotEquals(traceId, new String(otherParent.value(), StandardCharsets.UTF_8).split("-")[1]);
        }
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + table()).isEmpty(), table());
    }

    private ConsumerRecord<String, byte[]> awaitRecord(String parcel) {
        TestDatabase.await(() -> find(parcel) != null, table());
        ConsumerRecord<String, byte[]> record = find(parcel);
        assertNotNull(record);
        assertTrue(record.headers().lastHeader("ce_id") != null);
        return record;
    }

    private ConsumerRecord<String, byte[]> find(String parcel) {
        for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, TracedShipments.TOPIC)) {
            if (parcel.equals(record.key())) {
                return record;
            }
        }
        return null;
    }
}
