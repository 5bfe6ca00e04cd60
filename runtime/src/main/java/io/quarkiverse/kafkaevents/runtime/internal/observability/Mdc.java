package io.quarkiverse.kafkaevents.runtime.internal.observability;

import org.jboss.logging.MDC;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * The log MDC entries set while a handler runs, so its log lines say which event they are about.
 */
public final class Mdc {

    static final String ID = "event.id";
    static final String TYPE = "event.type";
    static final String TOPIC = "event.topic";
    static final String PARTITION = "event.partition";
    static final String OFFSET = "event.offset";

    private Mdc() {
    }

    public static void put(EventContext context) {
        if (context.id() != null) {
            MDC.put(ID, context.id());
        }
        MDC.put(TYPE, context.type());
        MDC.put(TOPIC, context.topic());
        MDC.put(PARTITION, Integer.toString(context.partition()));
        MDC.put(OFFSET, Long.toString(context.offset()));
    }

    /**
     * Sets the entries of an event for a log line of the extension itself (a failure, a skip), from wherever it runs;
     * returns the values it replaced, for {@link #restore}. {@code id} and {@code type} may be {@code null} (a record
     * that could not be read).
     */
    public static Object[] push(String id, String type, String topic, int partition, long offset) {
        Object[] saved = { MDC.get(ID), MDC.get(TYPE), MDC.get(TOPIC), MDC.get(PARTITION), MDC.get(OFFSET) };
        set(ID, id);
        set(TYPE, type);
        MDC.put(TOPIC, topic);
        MDC.put(PARTITION, Integer.toString(partition));
        MDC.put(OFFSET, Long.toString(offset));
        return saved;
    }

    public static Object[] push(EventContext context) {
        return push(context.id(), context.type(), context.topic(), context.partition(), context.offset());
    }

    /** Puts back what {@link #push} replaced. */
    public static void restore(Object[] saved) {
        set(ID, saved[0]);
        set(TYPE, saved[1]);
        set(TOPIC, saved[2]);
        set(PARTITION, saved[3]);
        set(OFFSET, saved[4]);
    }

    private static void set(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    public static void clear() {
        MDC.remove(ID);
        MDC.remove(TYPE);
        MDC.remove(TOPIC);
        MDC.remove(PARTITION);
        MDC.remove(OFFSET);
    }
}
