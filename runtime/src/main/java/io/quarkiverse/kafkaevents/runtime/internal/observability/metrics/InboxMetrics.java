package io.quarkiverse.kafkaevents.runtime.internal.observability.metrics;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.Inbox;
import io.quarkus.arc.All;
import io.quarkus.runtime.StartupEvent;

/**
 * Metrics of the database inbox, when a handler uses it and the application has Micrometer: the events skipped because
 * their handler had handled them already, per handler ({@code handler} tag).
 */
@Singleton
public class InboxMetrics {

    static final String DUPLICATES = "kafka.events.inbox.duplicates";

    void register(@Observes StartupEvent startup, MeterRegistry registry, Inbox inbox,
            @All List<EventInvoker> invokers) {
        if (!inbox.started()) {
            return;
        }
        for (EventInvoker invoker : invokers) {
            if (inbox.enabled(invoker)) {
                String handler = invoker.handler();
                FunctionCounter.builder(DUPLICATES, inbox, i -> i.duplicates(handler))
                        .tags("handler", handler)
                        .description("Events an inbox handler skipped because its consumer group had handled them"
                                + " already")
                        .register(registry);
            }
        }
    }
}
