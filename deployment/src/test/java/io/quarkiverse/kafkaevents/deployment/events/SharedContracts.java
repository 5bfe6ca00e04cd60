package io.quarkiverse.kafkaevents.deployment.events;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * Event types of a shared contracts jar, put in a dependency of the application under test (not its own code).
 */
public final class SharedContracts {

    private SharedContracts() {
    }

    /** Another team's event: this service never mentions it. */
    @EventTopic(value = "invoices", domain = "contracts")
    public record InvoiceIssued(@PartitionKey String id) {
    }

    /** Published by the application under test. */
    @EventTopic(value = "parcels", domain = "contracts")
    public record ParcelLost(@PartitionKey String id) {
    }

    /** Published without being named in the application's code: provisioned by configuration. */
    @EventTopic(value = "refunds", domain = "contracts")
    public record RefundGranted(@PartitionKey String id) {
    }

    /** Handled by the application under test. */
    @EventTopic(value = "claims", domain = "contracts")
    public record ClaimFiled(@PartitionKey String id) {
    }

    /** Published by a library module of the application under test (another archive than its root). */
    @EventTopic(value = "delays", domain = "contracts")
    public record ShipmentDelayed(@PartitionKey String id) {
    }
}
