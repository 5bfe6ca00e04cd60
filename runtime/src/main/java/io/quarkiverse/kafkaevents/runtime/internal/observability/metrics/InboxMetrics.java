package io.quarkiverse.kafkaevents.runtime.internal.observability.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.Inbox;
import io.quarkus.runtime.StartupEvent;

/**
 * Metrics of the database inbox, when a handler uses it and the application has Micrometer: the events skipped because
 * their handler had handled them already.
 */
@Singleton
public class InboxMetrics {

    static final String DUPLICATES = "kafka.events.inbox.duplicates";

    void register(@Observes StartupEvent startup, MeterRegistry registry, Inbox inbox) {
        if (!inbox.started()) {
            return;
        }
        FunctionCounter.builder(DUPLICATES, inbox, Inbox::duplicates)
                .description("Events an inbox handler skipped because its consumer group had handled them already")
                .register(registry);
    }
}
