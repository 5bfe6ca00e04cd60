package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;

/**
 * Decorates every generated handler invoker: an inbox handler's call goes through the {@link Inbox} (claim and handler
 * in one transaction); any other handler is called as it is. Whether a handler uses the inbox is settled at its first
 * call (start-up has checked the settings by then).
 */
@Decorator
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class InboxInvoker implements EventInvoker {

    private static final int UNKNOWN = 0;
    private static final int ON = 1;
    private static final int OFF = 2;

    @Inject
    @Delegate
    @Any
    EventInvoker delegate;

    @Inject
    Inbox inbox;

    /** {@link #UNKNOWN} until the first call; a race only computes it twice, with the same result. */
    private volatile int state = UNKNOWN;
    /** What the handler's events are claimed by; set before {@link #state}. */
    private volatile InboxKey key;

    @Override
    public Object invoke(Object event, EventContext context) {
        int current = state;
        if (current == UNKNOWN) {
            key = inbox.key(delegate);
            current = inbox.enabled(delegate) ? ON : OFF;
            state = current;
        }
        return current == ON ? inbox.handle(delegate, key, event, context) : delegate.invoke(event, context);
    }

    @Override
    public String channel() {
        return delegate.channel();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public Class<?> eventClass() {
        return delegate.eventClass();
    }

    @Override
    public String handler() {
        return delegate.handler();
    }

    @Override
    public int kind() {
        return delegate.kind();
    }

    @Override
    public boolean inbox() {
        return delegate.inbox();
    }

    @Override
    public boolean kafkaTransaction() {
        return delegate.kafkaTransaction();
    }

    @Override
    public boolean batch() {
        return delegate.batch();
    }

    @Override
    public Object invokeBatch(List<?> events, List<EventContext> contexts) {
        return delegate.invokeBatch(events, contexts);
    }
}
