package io.quarkiverse.kafkaevents.benchmarks;

import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.OutboxLatencyEvent;
import io.smallrye.mutiny.Uni;

/** The outbox side of the latency benchmark: takes the time on handler entry, like {@link LatencyHandler}. */
public class OutboxLatencyHandler {

    @Inject
    Probes probes;

    @EventHandler
    Uni<Void> onEvent(OutboxLatencyEvent event) {
        probes.outboxHandlerLatency.record(event);
        return Uni.createFrom().voidItem();
    }
}
