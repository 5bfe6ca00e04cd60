package io.quarkiverse.kafkaevents.it.orders;

import java.util.ArrayDeque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;

/**
 * A batch handler: {@code OrderConfirmed} events arrive in lists (the records of one partition from one poll, in
 * order), for work that is cheaper in bulk, such as one database round trip for many events. Here it keeps a digest
 * for {@code GET /orders/confirmations}. Its channel also carries {@code OrderPlaced} and {@code OrderCancelled},
 * handled one by one by {@link OrderEvents} in their place between the batches.
 */
@ApplicationScoped
public class ConfirmationDigest {

    /** What the batch handler saw: events, calls, the largest call, the latest confirmed order ids. */
    public record Digest(long events, long batches, int largestBatch, List<String> recent) {
    }

    private static final int KEPT = 100;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private long events;
    private long batches;
    private int largest;

    @EventHandler
    synchronized void onConfirmed(List<OrderConfirmed> confirmations, List<EventContext> contexts) {
        batches++;
        events += confirmations.size();
        largest = Math.max(largest, confirmations.size());
        for (OrderConfirmed confirmation : confirmations) {
            recent.addLast(confirmation.orderId());
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
    }

    public synchronized Digest digest() {
        return new Digest(events, batches, largest, List.copyOf(recent));
    }
}
