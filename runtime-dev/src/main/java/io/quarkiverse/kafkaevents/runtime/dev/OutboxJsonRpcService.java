package io.quarkiverse.kafkaevents.runtime.dev;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.quarkiverse.kafkaevents.runtime.internal.outbox.OutboxEntry;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.TransactionalOutbox;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The Dev UI's back end for the outbox page (a JSON-RPC provider in dev mode only, registered only when the
 * application uses the outbox): the rows waiting to be sent or resolved, and the explicit actions on a failed row,
 * retry and skip. Every query is bounded.
 */
public class OutboxJsonRpcService {

    /** The most rows one call returns. */
    static final int MAX_ROWS = 500;

    private final TransactionalOutbox outbox;

    OutboxJsonRpcService(TransactionalOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * {@code table}, {@code started} (whether an event type uses the outbox), {@code pending}, {@code failed} and
     * {@code oldestPendingMillis} (read at most every two seconds, {@code null} when unknown), {@code limit}, and
     * {@code rows}: up to {@code limit} rows (at most {@value #MAX_ROWS}), failed ones first, then in write order,
     * each with {@code id}, {@code type}, {@code topic}, {@code key}, {@code created}, {@code ageMillis} (how long
     * ago it was written, when read), {@code attempts},
     * {@code nextAttempt}, {@code lastError}, {@code status} ({@code PENDING}, {@code FAILED}) and {@code sending}.
     */
    public Uni<Map<String, Object>> getOutbox(int limit) {
        if (limit <= 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("limit must be positive, was " + limit));
        }
        int bounded = Math.min(limit, MAX_ROWS);
        return blocking(() -> {
            List<OutboxEntry> entries = outbox.entries(bounded);
            long[] backlog = outbox.backlog();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("table", outbox.table());
            result.put("started", outbox.started());
            result.put("pending", backlog == null ? null : backlog[0]);
            result.put("failed", backlog == null ? null : backlog[1]);
            result.put("oldestPendingMillis", backlog == null ? null : backlog[2]);
            result.put("limit", bounded);
            List<Map<String, Object>> rows = new ArrayList<>(entries.size());
            Instant now = Instant.now();
            for (OutboxEntry entry : entries) {
                rows.add(row(entry, now));
            }
            result.put("rows", rows);
            return result;
        });
    }

    /** Makes a failed row pending again: the relay sends it at its next round. */
    public Uni<Boolean> retryOutboxRow(String id) {
        return blocking(() -> resolved(outbox.retryFailed(id), id));
    }

    /** Deletes a failed row without sending it: the later events of its key go on. */
    public Uni<Boolean> skipOutboxRow(String id) {
        return blocking(() -> resolved(outbox.skipFailed(id), id));
    }

    private boolean resolved(boolean done, String id) {
        if (!done) {
            throw new IllegalArgumentException("No failed row '" + id + "' in the outbox table " + outbox.table()
                    + ": it was sent, retried or skipped meanwhile");
        }
        return true;
    }

    private static Map<String, Object> row(OutboxEntry entry, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", entry.id());
        row.put("type", entry.type());
        row.put("topic", entry.topic());
        row.put("key", entry.key());
        row.put("created", entry.created() == null ? null : entry.created().toString());
        row.put("ageMillis", entry.created() == null ? null : Math.max(0, Duration.between(entry.created(), now).toMillis()));
        row.put("attempts", entry.attempts());
        row.put("nextAttempt", entry.nextAttempt() == null ? null : entry.nextAttempt().toString());
        row.put("lastError", entry.lastError());
        row.put("status", entry.status());
        row.put("sending", entry.sending());
        return row;
    }

    private static <T> Uni<T> blocking(Callable<T> query) {
        return Uni.createFrom().item(() -> {
            try {
                return query.call();
            } catch (SQLException e) {
                throw new IllegalStateException("The outbox table could not be read or updated: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
