package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.util.List;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * Calls one {@code @EventHandler} method. Implementations are generated at build time, one per handler method, as
 * beans: a direct call, no reflection.
 */
public interface EventInvoker {

    /** The handler returns {@code void}: run it on a worker thread. */
    int BLOCKING = 0;
    /** The handler returns {@code Uni<Void>}. */
    int UNI = 1;
    /** The handler returns {@code CompletionStage<Void>}. */
    int COMPLETION_STAGE = 2;

    /** The incoming channel the handler is bridged to. */
    String channel();

    /** The CloudEvents type the handler takes. */
    String type();

    /** The event class the handler takes (for JSON decoding). */
    Class<?> eventClass();

    /** {@code Class#method}, for messages. */
    String handler();

    /** {@link #BLOCKING}, {@link #UNI} or {@link #COMPLETION_STAGE}. */
    int kind();

    /**
     * Calls the handler; returns what it returned ({@code null} for {@code void}). A batch handler is called with a
     * list of this one event.
     */
    Object invoke(Object event, EventContext context);

    /** Whether the handler's annotation asks for the database inbox ({@code @EventHandler(inbox = true)}). */
    default boolean inbox() {
        return false;
    }

    /** Whether the handler's annotation asks for a Kafka transaction ({@code kafkaTransaction = true}). */
    default boolean kafkaTransaction() {
        return false;
    }

    /** Whether the handler takes a {@code List} of events (a batch handler). */
    default boolean batch() {
        return false;
    }

    /**
     * Calls a batch handler with events of one partition, in offset order, and their contexts (same order); returns
     * what it returned ({@code null} for {@code void}).
     */
    default Object invokeBatch(List<?> events, List<EventContext> contexts) {
        throw new UnsupportedOperationException(handler() + " is not a batch handler");
    }
}
