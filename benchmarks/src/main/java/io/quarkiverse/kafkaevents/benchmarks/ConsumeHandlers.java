package io.quarkiverse.kafkaevents.benchmarks;

import java.util.List;

import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.ConsumeEvent;
import io.smallrye.mutiny.Uni;

/**
 * The three {@code @EventHandler} contestants of the consume benchmark (non-blocking, blocking, a blocking batch
 * handler), each in its own consumer group (so each reads every record). Their channels are pausable and start paused
 * ({@link PausableHandlerChannels}): the harness resumes one at a time.
 */
public class ConsumeHandlers {

    public static final String UNI_GROUP = "bench-handler-uni";
    public static final String BLOCKING_GROUP = "bench-handler-blocking";
    public static final String BATCH_GROUP = "bench-handler-batch";

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

    @EventHandler(group = BATCH_GROUP)
    void batch(List<ConsumeEvent> events) {
        for (ConsumeEvent event : events) {
            probes.handlerBatch.record(event);
        }
    }
}
