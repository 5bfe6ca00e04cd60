package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.util.List;

/**
 * The event types of the application, as found at build time (a synthetic bean).
 */
public final class EventTypes {

    private final List<EventTypeInfo> types;

    public EventTypes(List<EventTypeInfo> types) {
        this.types = List.copyOf(types);
    }

    public List<EventTypeInfo> all() {
        return types;
    }
}
