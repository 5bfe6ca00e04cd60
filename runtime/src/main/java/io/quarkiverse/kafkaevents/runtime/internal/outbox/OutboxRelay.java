package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsOutboxConfig;
import io.quarkiverse.kafkaevents.runtime.internal.ShutdownBudget;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;

/**
 * Sends outbox rows: one row right after its transaction committed (the fast path), and, on a timer, every row nobody
 * sent, claimed in batches with {@code FOR UPDATE SKIP LOCKED} under a lease, so several instances relay side by side
 * without sending a row twice (unless one dies between the broker's acknowledgement and the delete). A row the broker
 * refuses for good (too large, not authorized) is marked failed and holds its key only; a row that could not be sent
 * for now (broker unavailable) is tried again after a backoff. A row sent continues the trace of the span it was
 * published in ({@link OutboxTraceContext}).
 */
final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final OutboxStore store;
    private final KafkaEventPublisher publisher;
    private final KafkaEventsOutboxConfig config;
    private final ScheduledExecutorService timer;
    private final OutboxOwnership ownership;
    private final OutboxAcks acks;
    private final LongAdder relayed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Claims running and sends waiting for the broker's answer (and their row's delete or update). */
    private final SendGate gate = new SendGate();

    OutboxRelay(OutboxStore store, KafkaEventPublisher publisher, KafkaEventsOutboxConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.ownership = store.ownership();
        this.acks = new OutboxAcks(store);
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kafka-events-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        try {
            ownership.hold();
        } catch (SQLException e) {
            LOG.warnf("The outbox could not take its owner lock: %s; it tries again with each relay round",
                    e.getMessage());
        }
        long millis = Math.max(10, config.relayInterval().toMillis());
        timer.scheduleWithFixedDelay(this::relayAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims nothing more, waits (for what is left of the stop's budget) for the claims running and the sends in
     * flight to be answered and their rows deleted, so that a successor does not send them again, then lets go of the
     * rows it still holds.
     */
    void stop(ShutdownBudget budget) {
        if (gate.closed()) {
            return; // stopped already (the shutdown event, then the bean's destruction)
        }
        Duration timeout = budget.remaining();
        int unanswered = gate.close(timeout);
        timer.shutdownNow();
        if (unanswered > 0) {
            LOG.warnf("The outbox stopped with %d send(s) or claim(s) not finished within %d ms"
                    + " (quarkus.kafka-events.shutdown.timeout, shared with the handlers' stop); their rows are sent"
                    + " again by the next relay, possibly twice", unanswered, timeout.toMillis());
        }
        acks.stop(budget.remaining().toMillis());
        ownership.close();
    }

    /** The fast path: claims the row (unless an earlier row of its key is left: the relay keeps the order), sends it. */
    void sendNow(String id, ProducerRecord<String, byte[]> record, String traceContext) {
        if (!gate.enter()) {
            return; // stopping: left to the relay (of this instance's successor, or another instance)
        }
        boolean sending = false;
        try {
            if (store.claim(id, config.lease())) {
                // not waited for: the worker thread is free again once the row is claimed
                send(new OutboxStore.Row(id, -1, record.topic(), record.key(), null, record.value(), 1, traceContext),
                        record.headers());
                sending = true;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debugf(e, "The fast path could not send outbox row %s; the relay will", id);
        } finally {
            if (!sending) {
                gate.leave();
            }
        }
    }

    /** Relays due rows until none is left, a batch at a time. */
    void relayAll() {
        try {
            List<OutboxStore.Row> rows;
            ownership.hold();
            do {
                if (!gate.enter()) {
                    return; // stopping
                }
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                try {
                    rows = store.claimDue(config.relayBatchSize(), config.lease());
                    for (List<OutboxStore.Row> chain : chainsByKey(rows)) {
                        gate.add(); // the chain's first send, counted while the claim is
                        sends.add(sendChain(chain, 0));
                    }
                } finally {
                    gate.leave();
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                        .get(config.lease().toMillis(), TimeUnit.MILLISECONDS);
                if (!rows.isEmpty()) {
                    LOG.debugf("Relayed %d outbox row(s)", rows.size());
                }
            } while (rows.size() == config.relayBatchSize());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("The outbox relay could not read or update the table %s: %s; it tries again in %d ms",
                    store.table(), e.getMessage(), config.relayInterval().toMillis());
        }
    }

    /** The claimed rows by key, each key's rows in row order; a row without a key is a chain of its own. */
    private static Collection<List<OutboxStore.Row>> chainsByKey(List<OutboxStore.Row> rows) {
        Map<String, List<OutboxStore.Row>> chains = new LinkedHashMap<>();
        for (OutboxStore.Row row : rows) {
            String key = row.key() == null ? "\0" + row.id() : row.key();
            chains.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
        return chains.values();
    }

    /**
     * Sends the rows of one key one after the other, each once the previous one was acknowledged (keys side by side):
     * a row the broker did not take stops its key, and the rest of the chain is given back unsent, as it is when the
     * outbox stops meanwhile. The send of row {@code next} is already counted in flight.
     */
    private CompletableFuture<Void> sendChain(List<OutboxStore.Row> chain, int next) {
        OutboxStore.Row row = chain.get(next);
        Headers headers;
        try {
            headers = OutboxHeaders.decode(row.headers());
        } catch (RuntimeException e) {
            gate.leave();
            return CompletableFuture.failedFuture(e);
        }
        return send(row, headers).thenCompose(sent -> {
            if (next + 1 == chain.size()) {
                return CompletableFuture.completedFuture(null);
            }
            if (sent && gate.enter()) {
                return sendChain(chain, next + 1);
            }
            List<String> rest = chain.subList(next + 1, chain.size()).stream().map(OutboxStore.Row::id).toList();
            try {
                store.release(rest);
            } catch (SQLException e) {
                LOG.warnf("Could not give back %d outbox row(s) of key %s: %s; their lease expires", rest.size(),
                        row.key(), e.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Sends one row, already counted in flight; completes with whether it was acknowledged, after its row was deleted
     * or updated (and counted out).
     */
    private CompletableFuture<Boolean> send(OutboxStore.Row row, Headers headers) {
        CompletableFuture<?> answer;
        try {
            answer = publisher.sendStored(row.topic(), row.key(), row.payload(), headers,
                    OutboxTraceContext.restore(row.traceContext())).subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer
                // off the producer's network thread: what follows talks to the database
                .handleAsync((ignored, failure) -> failure, acks.executor())
                .thenCompose(failure -> failure == null ? acknowledged(row)
                        : CompletableFuture.completedFuture(notSent(row, failure)))
                .whenComplete((sent, failure) -> gate.leave());
    }

    /** Counts the row relayed and deletes it with the next batch; completes with {@code true} once deleted. */
    private CompletableFuture<Boolean> acknowledged(OutboxStore.Row row) {
        relayed.increment();
        return acks.delete(row.id()).handle((ignored, failure) -> {
            if (failure != null) {
                LOG.warnf("Could not delete outbox row %s after the broker acknowledged it: %s; it is sent again once"
                        + " its lease ends", row.id(), failure.getMessage());
            }
            return true;
        });
    }

    /** A row the broker did not take: tried again after a backoff, or marked failed when refused for good. */
    private boolean notSent(OutboxStore.Row row, Throwable failure) {
        try {
            if (retriable(failure)) {
                Duration backoff = backoff(row.attempts());
                LOG.warnf("Outbox row %s (topic %s) could not be sent (attempt %d): %s; trying again in %d ms",
                        row.id(), row.topic(), row.attempts(), failure, backoff.toMillis());
                store.retryLater(row.id(), backoff, String.valueOf(failure));
            } else {
                LOG.errorf("Outbox row %s (topic %s, key %s) was refused (by the producer before sending, or by the"
                        + " broker): %s. It is kept as FAILED and"
                        + " holds back the later events of its key until it is retried or skipped", row.id(),
                        row.topic(), row.key(), failure);
                refused.increment();
                store.fail(row.id(), String.valueOf(failure));
            }
        } catch (SQLException e) {
            LOG.warnf("Could not update outbox row %s after sending it: %s; its lease expires and it is sent again",
                    row.id(), e.getMessage());
        }
        return false;
    }

    long relayed() {
        return relayed.sum();
    }

    long refused() {
        return refused.sum();
    }

    /** Whether the broker may take the record later (unavailable, timed out), as opposed to refusing it for good. */
    static boolean retriable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof org.apache.kafka.common.errors.ApiException) {
                return false;
            }
        }
        return true;
    }

    private static Duration backoff(int attempts) {
        long millis = 500L << Math.min(Math.max(attempts - 1, 0), 10);
        return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
    }
}
