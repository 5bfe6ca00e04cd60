package io.quarkiverse.kafkaevents.it.orders;

/**
 * Thrown by the order handler when an order asks for more than the stock; configured as non-retryable, so the order
 * event goes straight to the dead-letter topic.
 */
public class OutOfStockException extends RuntimeException {

    public OutOfStockException(String message) {
        super(message);
    }
}
