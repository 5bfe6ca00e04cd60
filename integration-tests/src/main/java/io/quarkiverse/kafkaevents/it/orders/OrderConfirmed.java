package io.quarkiverse.kafkaevents.it.orders;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * Published by the order handler once an order is confirmed: an event published from a handler, so its trace
 * continues the one of the request that placed the order. Other services would handle it; this one counts it in a
 * batch handler ({@link ConfirmationDigest}).
 */
@EventTopic(entity = Order.class, domain = "sales")
public record OrderConfirmed(@PartitionKey String orderId) {
}
