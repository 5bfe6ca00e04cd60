package io.quarkiverse.kafkaevents.runtime.internal.publish;

import jakarta.inject.Singleton;

/**
 * The Kafka transaction a handler call runs in, if any, for the events it publishes on its thread: set around the
 * call of a handler in a Kafka transaction (a blocking handler, called on the thread of its lane), read by the
 * publisher.
 */
@Singleton
public class TransactionScope {

    private final ThreadLocal<TransactionalSink> current = new ThreadLocal<>();
    private final ThreadLocal<String> handler = new ThreadLocal<>();

    /** The sink of the handler call running on this thread, or {@code null}. */
    public TransactionalSink current() {
        return current.get();
    }

    /** The handler of that call ({@code Class#method}), for messages. */
    public String handler() {
        return handler.get();
    }

    public void enter(TransactionalSink sink, String label) {
        current.set(sink);
        handler.set(label);
    }

    public void exit() {
        current.remove();
        handler.remove();
    }
}
