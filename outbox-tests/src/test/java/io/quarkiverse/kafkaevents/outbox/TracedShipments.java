package io.quarkiverse.kafkaevents.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.opentelemetry.api.trace.Span;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/** The application of the outbox tracing tests: an event published in a transaction, and its handler. */
public final class TracedShipments {

    static final String TOPIC = "test.traced.public.shipments";

    private TracedShipments() {
    }

    @EventTopic(value = "shipments", domain = "traced")
    public record ShipmentSent(@PartitionKey String parcel) {
    }

    @ApplicationScoped
    public static class Shipments {
        @Inject
        EventPublisher publisher;

        @Transactional
        void send(String parcel) {
            publisher.publish(new ShipmentSent(parcel)).await().atMost(Duration.ofSeconds(10));
        }
    }

    /** Keeps the trace id each handled parcel was handled in. */
    public static class Receiver {
        final Map<String, String> traceIds = new ConcurrentHashMap<>();

        @EventHandler
        void on(ShipmentSent shipment) {
            traceIds.put(shipment.parcel(), Span.current().getSpanContext().getTraceId());
        }
    }
}
