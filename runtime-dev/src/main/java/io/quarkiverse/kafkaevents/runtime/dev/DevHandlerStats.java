package io.quarkiverse.kafkaevents.runtime.dev;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;

/**
 * Counts, since start-up, what happened to the records of each consumer group and event type (handled,
 * dead-lettered) and to each handler method (failed attempts, the last failure): the numbers of the Dev UI's
 * handlers page. A bean in dev mode only, added by the Dev UI build step; never in a production build.
 */
@Singleton
public class DevHandlerStats implements EventMonitor {

    /** The counts of one consumer group and event type, or of one handler method. */
    static final class Counts {
        final AtomicLong handled = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();
        final AtomicReference<String> lastFailure = new AtomicReference<>();
    }

    private final Map<String, Counts> byGroupAndType = new ConcurrentHashMap<>();
    private final Map<String, Counts> byHandler = new ConcurrentHashMap<>();

    @Override
    public void handled(EventObservation o) {
        counts(byGroupAndType, key(o.group(), o.eventType())).handled.incrementAndGet();
    }

    @Override
    public void failed(EventObservation o) {
        String why = Instant.now() + " " + (o.failure() == null ? "failed"
                : o.failure().getClass().getName() + ": " + o.failure().getMessage());
        if (o.handler() != null) {
            Counts handler = counts(byHandler, o.handler());
            handler.failed.incrementAndGet();
            handler.lastFailure.set(why);
        }
    }

    @Override
    public void deadLettered(EventObservation o) {
        counts(byGroupAndType, key(o.group(), o.eventType())).deadLettered.incrementAndGet();
    }

    /** Records of {@code type} handled by {@code group} since start-up. */
    long handled(String group, String type) {
        Counts counts = byGroupAndType.get(key(group, type));
        return counts == null ? 0 : counts.handled.get();
    }

    /** Records of {@code type} that {@code group} dead-lettered since start-up. */
    long deadLettered(String group, String type) {
        Counts counts = byGroupAndType.get(key(group, type));
        return counts == null ? 0 : counts.deadLettered.get();
    }

    /** Failed attempts of a handler method since start-up. */
    long failed(String handler) {
        Counts counts = byHandler.get(handler);
        return counts == null ? 0 : counts.failed.get();
    }

    /** The time and exception of the handler's last failed attempt, or {@code null}. */
    String lastFailure(String handler) {
        Counts counts = byHandler.get(handler);
        return counts == null ? null : counts.lastFailure.get();
    }

    private static String key(String group, String type) {
        return group + '\n' + type;
    }

    private static Counts counts(Map<String, Counts> map, String key) {
        return map.computeIfAbsent(key, k -> new Counts());
    }
}
