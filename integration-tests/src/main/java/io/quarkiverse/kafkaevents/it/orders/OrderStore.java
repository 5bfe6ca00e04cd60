package io.quarkiverse.kafkaevents.it.orders;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The orders of this service, in PostgreSQL. Every method joins the caller's transaction (or runs in one of its own),
 * so a handler's status change commits together with the events it publishes.
 */
@ApplicationScoped
@Transactional
public class OrderStore {

    public void put(Order order) {
        OrderRow.of(order).persist();
    }

    public Optional<Order> get(String id) {
        return OrderRow.<OrderRow> findByIdOptional(id).map(OrderRow::toOrder);
    }

    public boolean exists(String id) {
        return OrderRow.findByIdOptional(id).isPresent();
    }

    /** Returns whether the order exists (events of other services' orders may reach the handlers too). */
    public boolean setStatus(String id, Order.Status status) {
        OrderRow row = OrderRow.findById(id);
        if (row == null) {
            return false;
        }
        row.status = status;
        return true;
    }
}
