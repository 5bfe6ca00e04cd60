package io.quarkiverse.kafkaevents.benchmarks.startup.extension;

import java.math.BigDecimal;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/** The sample's event: lands on {@code {environment}.sales.public.orders}, keyed by order id. */
@EventTopic(value = "orders", domain = "sales", pluralize = false)
public record OrderPlaced(@PartitionKey String orderId, String customerId, String item, int quantity,
        BigDecimal unitPrice) {
}
