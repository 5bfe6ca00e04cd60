package io.quarkiverse.kafkaevents.runtime;

import java.util.List;
import java.util.function.Supplier;

import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypes;
import io.quarkiverse.kafkaevents.runtime.internal.publish.UnroutedLineFilter;
import io.quarkus.runtime.annotations.Recorder;

/**
 * Hands what the build found to the runtime. Thin on purpose: no I/O, no logic.
 */
@Recorder
public class KafkaEventsRecorder {

    public Supplier<EventTypes> eventTypes(List<EventTypeInfo> types) {
        return () -> new EventTypes(types);
    }

    /** Drops SmallRye's misleading start-up lines about the extension's own channels ({@link UnroutedLineFilter}). */
    public void quietUnroutedTopicLine() {
        UnroutedLineFilter.install();
    }
}
