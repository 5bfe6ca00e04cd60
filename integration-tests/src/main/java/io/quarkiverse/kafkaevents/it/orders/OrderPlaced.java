package io.quarkiverse.kafkaevents.it.orders;

import java.math.BigDecimal;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * Published when an order is placed; lands on {@code {environment}.sales.public.orders}, keyed by order id so every
 * event of one order is handled in order.
 */
@EventTopic(entity = Order.class, domain = "sales")
public record OrderPlaced(@PartitionKey String orderId, String customerId, String item, int quantity,
        BigDecimal unitPrice) {
}
