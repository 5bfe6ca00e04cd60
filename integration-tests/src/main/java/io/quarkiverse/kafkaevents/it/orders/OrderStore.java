package io.quarkiverse.kafkaevents.it.orders;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The orders of this service (in memory: the sample is about events, not persistence).
 */
@ApplicationScoped
public class OrderStore {

    private final Map<String, Order> orders = new ConcurrentHashMap<>();

    public void put(Order order) {
        orders.put(order.id(), order);
    }

    public Optional<Order> get(String id) {
        return Optional.ofNullable(orders.get(id));
    }

    public void setStatus(String id, Order.Status status) {
        orders.computeIfPresent(id, (key, order) -> order.withStatus(status));
    }
}
