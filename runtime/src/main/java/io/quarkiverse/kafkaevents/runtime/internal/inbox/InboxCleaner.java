package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsInboxConfig;

/**
 * Deletes inbox entries older than the retention, on a thread of its own, at a fixed interval: in statements of at most
 * {@code cleanup-batch-size} rows, each committed on its own, so handlers (which only insert new rows) never wait for
 * it.
 */
final class InboxCleaner {

    private static final Logger LOG = Logger.getLogger(InboxCleaner.class);
    /** Statements per round at most, so that one round ends even when rows age faster than they are deleted. */
    private static final int MAX_BATCHES_PER_ROUND = 1000;

    private final InboxStore store;
    private final KafkaEventsInboxConfig config;
    private final ScheduledExecutorService timer;
    private volatile boolean stopped;

    InboxCleaner(InboxStore store, KafkaEventsInboxConfig config) {
        this.store = store;
        this.config = config;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kafka-events-inbox-cleanup");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        long millis = Math.max(10, config.cleanupInterval().toMillis());
        timer.scheduleWithFixedDelay(this::round, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        timer.shutdownNow();
    }

    /** One round: batches until one deletes fewer rows than the batch size. */
    void round() {
        int limit = Math.max(1, config.cleanupBatchSize());
        long deleted = 0;
        try {
            for (int batch = 0; batch < MAX_BATCHES_PER_ROUND && !stopped; batch++) {
                int count = store.deleteOlderThan(config.retention(), limit);
                deleted += count;
                if (count < limit) {
                    break;
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (!stopped) {
                LOG.warnf("Could not delete old entries of the inbox table %s: %s; the next round (in %d ms) tries"
                        + " again", store.table(), e.getMessage(), config.cleanupInterval().toMillis());
            }
        }
        if (deleted > 0) {
            LOG.debugf("Deleted %d inbox entries older than %s from %s", deleted, config.retention(), store.table());
        }
    }
}
