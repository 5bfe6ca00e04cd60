package io.quarkiverse.kafkaevents.runtime.internal;

import org.jboss.logging.MDC;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * The log MDC entries set while a handler runs, so its log lines say which event they are about.
 */
final class Mdc {

    static final String ID = "event.id";
    static final String TYPE = "event.type";
    static final String TOPIC = "event.topic";
    static final String PARTITION = "event.partition";
    static final String OFFSET = "event.offset";

    private Mdc() {
    }

    static void put(EventContext context) {
        if (context.id() != null) {
            MDC.put(ID, context.id());
        }
        MDC.put(TYPE, context.type());
        MDC.put(TOPIC, context.topic());
        MDC.put(PARTITION, Integer.toString(context.partition()));
        MDC.put(OFFSET, Long.toString(context.offset()));
    }

    static void clear() {
        MDC.remove(ID);
        MDC.remove(TYPE);
        MDC.remove(TOPIC);
        MDC.remove(PARTITION);
        MDC.remove(OFFSET);
    }
}
