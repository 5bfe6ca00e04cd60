package io.quarkiverse.kafkaevents.it.orders;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/** A payment for an order is asked for; {@link Payments} captures it and publishes {@link PaymentCaptured}. */
@EventTopic(value = "payments", domain = "sales")
public record PaymentRequested(@PartitionKey String paymentId, String orderId, long amountCents) {
}
