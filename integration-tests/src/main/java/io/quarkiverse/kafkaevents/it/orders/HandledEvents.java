package io.quarkiverse.kafkaevents.it.orders;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * What the handlers of this service handled, newest last, for the {@code /orders/events} endpoint.
 */
@ApplicationScoped
public class HandledEvents {

    public record Handled(String type, String id, String topic, int partition, long offset, String key,
            String channel) {
    }

    private static final int KEPT = 100;
    private final List<Handled> handled = new ArrayList<>();

    public synchronized void add(EventContext context) {
        handled.add(new Handled(context.type(), context.id(), context.topic(), context.partition(), context.offset(),
                context.key(), context.extensions().get("channel")));
        if (handled.size() > KEPT) {
            handled.remove(0);
        }
    }

    public synchronized List<Handled> all() {
        return List.copyOf(handled);
    }
}
