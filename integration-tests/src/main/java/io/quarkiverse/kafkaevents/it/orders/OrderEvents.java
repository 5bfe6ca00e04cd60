package io.quarkiverse.kafkaevents.it.orders;

import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes the order events, and (until the orders service grows event handlers) confirms orders from the raw
 * records of the orders topic.
 */
@ApplicationScoped
public class OrderEvents {

    @Inject
    EventPublisher publisher;

    @Inject
    OrderStore store;

    Uni<Void> placed(Order order) {
        return publisher.publish(
                new OrderPlaced(order.id(), order.customerId(), order.item(), order.quantity(), new BigDecimal("2.50")),
                EventMetadata.builder().extension("channel", "web").build());
    }

    @Incoming("orders-in")
    void onPlaced(Record<String, byte[]> record) {
        store.confirm(record.key());
    }
}
