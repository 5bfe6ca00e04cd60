package io.quarkiverse.kafkaevents.it.orders;

/**
 * An order as the REST API shows it.
 */
public record Order(String id, String customerId, String item, int quantity, Status status) {

    public enum Status {
        PLACED,
        CONFIRMED,
        CANCELLED
    }

    Order withStatus(Status newStatus) {
        return new Order(id, customerId, item, quantity, newStatus);
    }
}
