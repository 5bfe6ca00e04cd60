package io.quarkiverse.kafkaevents.it.orders;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * An order as stored in PostgreSQL (Hibernate ORM with Panache). Its events are written to the outbox table in the
 * same transaction as the row, so an order and its events commit, or roll back, together.
 */
@Entity
@Table(name = "orders")
public class OrderRow extends PanacheEntityBase {

    @Id
    public String id;
    public String customerId;
    public String item;
    public int quantity;
    @Enumerated(EnumType.STRING)
    public Order.Status status;

    static OrderRow of(Order order) {
        OrderRow row = new OrderRow();
        row.id = order.id();
        row.customerId = order.customerId();
        row.item = order.item();
        row.quantity = order.quantity();
        row.status = order.status();
        return row;
    }

    Order toOrder() {
        return new Order(id, customerId, item, quantity, status);
    }
}
