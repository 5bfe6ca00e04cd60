package io.quarkiverse.kafkaevents.runtime.internal.handle.lane;

import java.util.function.Supplier;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.impl.ContextInternal;

/**
 * Keeps what a blocking handler call puts in "the current context" (the log MDC, the OpenTelemetry context: in
 * Quarkus both live in the current Vert.x duplicated context when there is one, in thread locals otherwise) to that
 * call.
 * <p>
 * A task handed to Quarkus' worker pool from an event loop runs with that event loop's duplicated context current. A
 * channel's partitions queue their drains from the consumer's context, so drains of different partitions, running
 * side by side on several worker threads, would share one context: a call would log with the MDC of a call running on
 * another thread, or lose its own when that one ends, and run under its span. So each lane drains in a duplicated
 * context of its own (its calls run one after the other), and a blocking call running anywhere else gets one of its own.
 */
public final class CallContexts {

    /** The local that marks a context made here: one call, or one lane's calls one after the other, run in it. */
    private static final String OWN = CallContexts.class.getName();

    private CallContexts() {
    }

    /**
     * A new duplicated context for one lane or call, of the same event loop as {@code current}; {@code null} when there
     * is no current context (then the MDC and the OpenTelemetry context are thread locals: nothing is shared).
     */
    static ContextInternal create(ContextInternal current) {
        if (current == null) {
            return null;
        }
        ContextInternal own = (ContextInternal) VertxContext.createNewDuplicatedContext(current);
        own.putLocal(OWN, Boolean.TRUE);
        return own;
    }

    /** Whether the calls of this thread need a context of their own: a context is current, not one made here. */
    public static boolean shared(ContextInternal current) {
        return current != null && current.getLocal(OWN) == null;
    }

    /** Runs {@code call} here, in a context of its own when the current one is shared. */
    public static <T> T isolated(Supplier<T> call) {
        ContextInternal current = ContextInternal.current();
        if (!shared(current)) {
            return call.get();
        }
        Object[] result = new Object[1];
        create(current).dispatch(() -> result[0] = call.get());
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}
