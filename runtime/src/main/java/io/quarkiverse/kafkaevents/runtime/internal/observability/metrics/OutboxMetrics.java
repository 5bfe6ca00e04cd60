package io.quarkiverse.kafkaevents.runtime.internal.observability.metrics;

import java.util.function.ToDoubleFunction;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.Outbox;
import io.quarkus.runtime.StartupEvent;

/**
 * Metrics of the transactional outbox, when the application has one and Micrometer: pending and failed rows, age of
 * the oldest pending row (from one query at most every two seconds), rows relayed and refused.
 */
@Singleton
public class OutboxMetrics {

    static final String PENDING = "kafka.events.outbox.pending";
    static final String FAILED = "kafka.events.outbox.failed";
    static final String OLDEST_PENDING = "kafka.events.outbox.oldest.pending.seconds";
    static final String RELAYED = "kafka.events.outbox.relayed";
    static final String REFUSED = "kafka.events.outbox.refused";

    void register(@Observes StartupEvent startup, MeterRegistry registry, Instance<Outbox> outboxes,
            EventRouting routing) {
        if (!outboxes.isResolvable() || routing.routes().stream()
                .noneMatch(route -> route.delivery() == KafkaEventsConfig.Delivery.OUTBOX)) {
            return;
        }
        Outbox outbox = outboxes.get();
        gauge(registry, PENDING, "Outbox rows waiting to be sent", outbox, backlog -> backlog[0]);
        gauge(registry, FAILED, "Outbox rows the broker refused, kept until retried or skipped", outbox,
                backlog -> backlog[1]);
        gauge(registry, OLDEST_PENDING, "Age of the oldest outbox row waiting to be sent", outbox,
                backlog -> backlog[2] / 1000.0);
        FunctionCounter.builder(RELAYED, outbox, Outbox::relayed)
                .description("Outbox rows sent and acknowledged by the broker").register(registry);
        FunctionCounter.builder(REFUSED, outbox, Outbox::refused)
                .description("Outbox rows the broker refused for good").register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Outbox outbox,
            ToDoubleFunction<long[]> value) {
        Gauge.builder(name, outbox, o -> {
            long[] backlog = o.backlog();
            return backlog == null ? Double.NaN : value.applyAsDouble(backlog);
        }).description(description).register(registry);
    }
}
