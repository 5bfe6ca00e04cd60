package io.quarkiverse.kafkaevents.benchmarks.startup.smallrye;

import java.math.BigDecimal;

/** The sample's event, a plain record: its topic and key are chosen where it is sent. */
public record OrderPlaced(String orderId, String customerId, String item, int quantity, BigDecimal unitPrice) {
}
