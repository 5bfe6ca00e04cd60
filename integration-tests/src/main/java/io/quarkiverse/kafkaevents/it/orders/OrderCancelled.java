package io.quarkiverse.kafkaevents.it.orders;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * Published when an order is cancelled; shares the orders topic with {@link OrderPlaced} and the same key, so a
 * cancellation is always handled after the placement of its order.
 */
@EventTopic(entity = Order.class, domain = "sales")
public record OrderCancelled(@PartitionKey String orderId, String reason) {
}
