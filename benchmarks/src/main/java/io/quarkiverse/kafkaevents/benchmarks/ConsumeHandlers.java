package io.quarkiverse.kafkaevents.benchmarks;

import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.ConsumeEvent;
import io.smallrye.mutiny.Uni;

/**
 * The two {@code @EventHandler} contestants of the consume benchmark, each in its own consumer group (so each reads
 * every record). Their channels are pausable and start paused ({@link PausableHandlerChannels}): the harness resumes
 * one at a time.
 */
public class ConsumeHandlers {

    public static final String UNI_GROUP = "bench-handler-uni";
    public static final String BLOCKING_GROUP = "bench-handler-blocking";

    @Inject
    Probes probes;

    @EventHandler(group = UNI_GROUP)
    Uni<Void> nonBlocking(ConsumeEvent event) {
        probes.handlerUni.record(event);
        return Uni.createFrom().voidItem();
    }

    @EventHandler(group = BLOCKING_GROUP)
    void blocking(ConsumeEvent event) {
        probes.handlerBlocking.record(event);
    }
}
