package io.quarkiverse.kafkaevents.it.orders;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * A payment was captured, in reaction to a {@link PaymentRequested}: published in the Kafka transaction of the handler
 * that consumed the request, so exactly one per request reaches {@code read_committed} readers, whatever crashes.
 * {@code capturedBy} is the consumer group that captured it.
 */
@EventTopic(value = "payment-captures", domain = "sales")
public record PaymentCaptured(@PartitionKey String paymentId, String orderId, long amountCents, String capturedBy) {
}
