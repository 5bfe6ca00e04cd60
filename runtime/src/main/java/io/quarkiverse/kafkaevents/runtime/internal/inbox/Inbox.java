package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsInboxConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The database inbox: calls an inbox handler in a JTA transaction that first claims the event for the handler and its
 * consumer group ({@link InboxStore#claim}); a claim that finds the event handled already skips the handler. The
 * handler's own writes, and the rows of the events it publishes with {@code outbox} delivery, commit with the claim or
 * roll back with it (the handler failed: the failure policy then applies as for any handler).
 */
@Singleton
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    private final KafkaEventsConfig config;
    private final TransactionManager transactions;
    private final ObjectMapper mapper;
    /** Events skipped per handler, created on a handler's first duplicate. */
    private final Map<String, LongAdder> duplicates = new ConcurrentHashMap<>();
    private volatile InboxStore store;
    private volatile InboxCleaner cleaner;

    Inbox(KafkaEventsConfig config, TransactionManager transactions, ObjectMapper mapper) {
        this.config = config;
        this.transactions = transactions;
        this.mapper = mapper;
    }

    /**
     * Whether the handler goes through the inbox: its {@code handlers."<class>#<method>".inbox} setting, else its
     * annotation when it asks for it, else {@code quarkus.kafka-events.inbox.enabled}.
     */
    public static boolean enabled(KafkaEventsConfig config, EventInvoker invoker) {
        HandlerConfig handler = config.handlers().get(invoker.handler());
        if (handler != null && handler.inbox().isPresent()) {
            return handler.inbox().get();
        }
        return invoker.inbox() || config.inbox().enabled();
    }

    public boolean enabled(EventInvoker invoker) {
        return enabled(config, invoker);
    }

    /** The header naming the event for the handler's inbox ({@code handlers."<handler>".inbox-key-header}), or null. */
    String keyHeader(EventInvoker invoker) {
        HandlerConfig handler = config.handlers().get(invoker.handler());
        return handler == null ? null : handler.inboxKeyHeader().orElse(null);
    }

    /** The event field naming the event for the handler's inbox ({@code handlers."<handler>".inbox-key-field}), or null. */
    String keyField(EventInvoker invoker) {
        HandlerConfig handler = config.handlers().get(invoker.handler());
        return handler == null ? null : handler.inboxKeyField().orElse(null);
    }

    /** What the handler's events are claimed by. */
    InboxKey key(EventInvoker invoker) {
        String header = keyHeader(invoker);
        String field = keyField(invoker);
        return header == null && field == null ? InboxKey.ID : InboxKey.of(header, field);
    }

    KafkaEventsInboxConfig settings() {
        return config.inbox();
    }

    /** Makes the inbox ready for claims, once its table was checked at start-up. */
    void ready(InboxStore checked) {
        this.store = checked;
    }

    /** Whether an inbox handler exists and its table was checked at start-up. */
    public boolean started() {
        return store != null;
    }

    /** Events skipped because their handler had handled them already, since start-up. */
    public long duplicates() {
        return duplicates.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@link #duplicates()} of one handler ({@code Class#method}). */
    public long duplicates(String handler) {
        LongAdder skipped = duplicates.get(handler);
        return skipped == null ? 0 : skipped.sum();
    }

    /**
     * Claims the event, then calls the handler, in a transaction begun here (or in the thread's transaction, when it
     * has one): returns what the handler returned, {@code null} for a skipped duplicate; throws what the handler threw
     * (its transaction rolled back), or an {@link IllegalStateException} when the claim or the commit failed.
     */
    Object handle(EventInvoker invoker, InboxKey key, Object event, EventContext context) {
        InboxStore current = store;
        if (current == null) {
            throw new IllegalStateException("The inbox of " + invoker.handler() + " is not ready: start-up did not"
                    + " check its table");
        }
        String id = key.of(event, context, mapper);
        boolean own = begin(invoker, id);
        boolean handled = false;
        try {
            boolean claimed;
            try {
                claimed = current.claim(context.group(), invoker.handler(), id);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not claim event " + id + " for " + invoker.handler()
                        + " in the inbox table " + current.table() + ": " + e.getMessage(), e);
            }
            if (!claimed) {
                duplicates.computeIfAbsent(invoker.handler(), h -> new LongAdder()).increment();
                LOG.debugf("Skipped event %s for %s: consumer group %s handled it already (inbox %s)", id,
                        invoker.handler(), context.group(), current.table());
                handled = true;
                return null;
            }
            Object result = invoker.invoke(event, context);
            handled = true;
            return result;
        } finally {
            if (own) {
                end(handled, invoker, id);
            }
        }
    }

    private boolean begin(EventInvoker invoker, String id) {
        try {
            if (transactions.getStatus() != Status.STATUS_NO_TRANSACTION) {
                return false; // joined: the thread's transaction commits the claim with the rest
            }
            transactions.begin();
            return true;
        } catch (SystemException | NotSupportedException e) {
            throw new IllegalStateException("Could not begin the inbox transaction of " + invoker.handler()
                    + " for event " + id + ": " + e.getMessage(), e);
        }
    }

    private void end(boolean handled, EventInvoker invoker, String id) {
        if (!handled) {
            try {
                transactions.rollback();
            } catch (SystemException | IllegalStateException e) {
                LOG.warnf(e, "Could not roll back the inbox transaction of %s for event %s; the handler's failure"
                        + " decides what happens to the event", invoker.handler(), id);
            }
            return;
        }
        try {
            transactions.commit();
        } catch (RollbackException e) {
            throw new IllegalStateException("The inbox transaction of " + invoker.handler() + " for event " + id
                    + " rolled back instead of committing (marked for rollback, or a write failed at commit)", e);
        } catch (HeuristicMixedException | HeuristicRollbackException | SystemException e) {
            throw new IllegalStateException("The inbox transaction of " + invoker.handler() + " for event " + id
                    + " could not commit: " + e.getMessage(), e);
        }
    }

    /** Starts the retention worker when the inbox is in use. */
    void start(@Observes StartupEvent startup) {
        InboxStore current = store;
        if (current != null) {
            InboxCleaner started = new InboxCleaner(current, config.inbox());
            started.start();
            this.cleaner = started;
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        close();
    }

    @PreDestroy
    void close() {
        InboxCleaner current = cleaner;
        if (current != null) {
            current.stop();
        }
    }
}
