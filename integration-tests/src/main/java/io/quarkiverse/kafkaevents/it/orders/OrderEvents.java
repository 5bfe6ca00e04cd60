package io.quarkiverse.kafkaevents.it.orders;

import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

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

    /**
     * Blocking handler: runs on a worker thread, in a transaction, so the status change and the
     * {@code OrderConfirmed} event commit together (or, when it fails, neither does and the record is retried). With
     * the inbox, the transaction also claims the event for this handler and group: an {@code OrderPlaced} delivered
     * again (a crash before the offset commit, a replay) is skipped, so each order is confirmed once.
     */
    @EventHandler(inbox = true)
    @Transactional
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
        // outbox delivery: completes when the row is written in this transaction; sent once it commits
        publisher.publish(new OrderConfirmed(event.orderId())).await().atMost(OrderResource.ENLIST_TIMEOUT);
        ledger.done(event, context);
    }

    /** Blocking too: it writes to the database. */
    @EventHandler
    @Transactional
    void onCancelled(OrderCancelled event, EventContext context) {
        store.setStatus(event.orderId(), Order.Status.CANCELLED);
        handled.add(context);
    }
}
