package io.quarkiverse.kafkaevents.benchmarks;

import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.LatencyEvent;
import io.smallrye.mutiny.Uni;

/** The extension side of the latency benchmark: takes the time on handler entry. */
public class LatencyHandler {

    @Inject
    Probes probes;

    @EventHandler
    Uni<Void> onEvent(LatencyEvent event) {
        probes.handlerLatency.record(event);
        return Uni.createFrom().voidItem();
    }
}
