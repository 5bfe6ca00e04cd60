package io.quarkiverse.kafkaevents.benchmarks.startup.extension;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Publishes order events and handles them again through Kafka, with the extension. */
@ApplicationScoped
public class OrderEvents {

    /** Sends in flight at once while publishing a burst (the same in the SmallRye contestant). */
    static final int IN_FLIGHT = 256;

    @Inject
    EventPublisher publisher;

    private final AtomicLong handled = new AtomicLong();

    /** Publishes {@code count} events, one {@code publish} each; completes when the broker acknowledged them all. */
    Uni<Long> publish(String run, int count) {
        return Multi.createFrom().range(0, count)
                .onItem().transformToUni(i -> publisher.publish(new OrderPlaced(run + "-" + i, "customer-" + (i % 100),
                        "book", 1 + i % 5, new BigDecimal("2.50"))).replaceWith(i))
                .merge(IN_FLIGHT)
                .collect().with(Collectors.counting());
    }

    long handled() {
        return handled.get();
    }

    /** Blocking handler (a worker thread), as the sample's. */
    @EventHandler
    void onPlaced(OrderPlaced event) {
        if (event.quantity() > 0) {
            handled.incrementAndGet();
        }
    }
}
