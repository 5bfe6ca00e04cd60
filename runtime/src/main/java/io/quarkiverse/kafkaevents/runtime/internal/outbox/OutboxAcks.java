package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What happens to a row once the broker answered, on a thread of the outbox's own: never on the Kafka producer's
 * network thread (a database round trip there would hold up every send of the application, immediate publishes
 * included). Rows the broker acknowledged are deleted in batches: one {@code DELETE ... = ANY(?)} for all those
 * acknowledged meanwhile.
 */
final class OutboxAcks {

    private static final int MAX_BATCH = 500;

    private record Pending(String id, CompletableFuture<Void> deleted) {
    }

    private final OutboxStore store;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "kafka-events-outbox-acks");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<Pending> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    OutboxAcks(OutboxStore store) {
        this.store = store;
    }

    /** The executor the broker's answers are handled on. */
    ExecutorService executor() {
        return thread;
    }

    /** Deletes the row with the next batch; completes once it is deleted (or fails with the database's error). */
    CompletableFuture<Void> delete(String id) {
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        acknowledged.add(new Pending(id, deleted));
        if (draining.compareAndSet(false, true)) {
            thread.execute(this::drain);
        }
        return deleted;
    }

    private void drain() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            for (Pending next; batch.size() < MAX_BATCH && (next = acknowledged.poll()) != null;) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                draining.set(false);
                // an ack added between the poll and the reset must not wait for the next one
                if (acknowledged.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                store.delete(batch.stream().map(Pending::id).toList());
                batch.forEach(p -> p.deleted().complete(null));
            } catch (SQLException | RuntimeException e) {
                batch.forEach(p -> p.deleted().completeExceptionally(e));
            }
        }
    }

    /** Handles what was acknowledged so far, for at most the timeout. */
    void stop(long timeoutMillis) {
        thread.shutdown();
        try {
            thread.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }
}
