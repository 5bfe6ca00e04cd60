package io.quarkiverse.kafkaevents.it.orders;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes the order events and handles them again, through the dev broker.
 */
@ApplicationScoped
public class OrderEvents {

    @Inject
    @Channel("orders-out")
    MutinyEmitter<Record<String, String>> emitter;

    @Inject
    OrderStore store;

    Uni<Void> placed(Order order) {
        return emitter.send(Record.of(order.id(), order.id()));
    }

    @Incoming("orders-in")
    void onPlaced(String orderId) {
        store.confirm(orderId);
    }
}
