package io.quarkiverse.kafkaevents.it.orders;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * Publishes the order events and handles them again through Kafka: placing an order confirms it once its event has
 * been through the broker; cancelling it marks it cancelled the same way.
 */
@ApplicationScoped
public class OrderEvents {

    @Inject
    EventPublisher publisher;

    @Inject
    OrderStore store;

    @Inject
    HandledEvents handled;

    @Inject
    FaultLedger ledger;

    Uni<Void> placed(Order order) {
        return publisher.publish(
                new OrderPlaced(order.id(), order.customerId(), order.item(), order.quantity(), new BigDecimal("2.50")),
                EventMetadata.builder().extension("channel", "web").build());
    }

    Uni<Void> cancelled(String orderId, String reason) {
        return publisher.publish(new OrderCancelled(orderId, reason));
    }

    /** Largest quantity in stock: bigger orders fail (and end in the dead-letter topic). */
    static final int STOCK = 100;

    /** Items held by the remote warehouse, whose first answer to any reservation is a timeout. */
    static final String REMOTE_ITEM_PREFIX = "remote-";

    /** Blocking handler: runs on a worker thread. */
    @EventHandler
    void onPlaced(OrderPlaced event, EventContext context) {
        ledger.started(event, context); // no-op unless the fault suite switched the ledger on
        if (event.quantity() > STOCK) {
            throw new OutOfStockException("only " + STOCK + " " + event.item() + " in stock, order "
                    + event.orderId() + " wants " + event.quantity());
        }
        if (event.item().startsWith(REMOTE_ITEM_PREFIX) && context.attempt() == 1) {
            // a transient failure: retried after the backoff (in process, or through a retry topic)
            throw new IllegalStateException("remote warehouse timed out reserving " + event.item() + " for order "
                    + event.orderId());
        }
        store.setStatus(event.orderId(), Order.Status.CONFIRMED);
        handled.add(context);
        // blocking handler on a worker thread: waiting for the broker's acknowledgement is fine here
        publisher.publish(new OrderConfirmed(event.orderId())).await().atMost(Duration.ofSeconds(30));
        ledger.done(event, context);
    }

    /** Non-blocking handler. */
    @EventHandler
    Uni<Void> onCancelled(OrderCancelled event, EventContext context) {
        store.setStatus(event.orderId(), Order.Status.CANCELLED);
        handled.add(context);
        return Uni.createFrom().voidItem();
    }
}
