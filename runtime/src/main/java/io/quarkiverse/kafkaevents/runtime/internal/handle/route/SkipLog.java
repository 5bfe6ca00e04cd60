package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limit of log lines about skipped records: at most one line per key (a topic-partition and a reason) per
 * interval, and the number of records skipped silently since the previous line, for the next one.
 */
public final class SkipLog {

    private final long intervalMillis;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public SkipLog(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /**
     * Whether a line may be logged for the key now: {@code -1} when not (the skip is counted), otherwise the number of
     * skips not logged since the previous line.
     */
    public long admit(String key, long nowMillis) {
        Window window = windows.computeIfAbsent(key, k -> new Window());
        synchronized (window) {
            if (window.logged && nowMillis - window.lastLogged < intervalMillis) {
                window.suppressed++;
                return -1;
            }
            long suppressed = window.suppressed;
            window.suppressed = 0;
            window.logged = true;
            window.lastLogged = nowMillis;
            return suppressed;
        }
    }

    private static final class Window {
        boolean logged;
        long lastLogged;
        long suppressed;
    }
}
