package io.quarkiverse.kafkaevents.runtime.internal.handle.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.KafkaEventContext;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkiverse.kafkaevents.runtime.internal.publish.TransactionScope;
import io.quarkiverse.kafkaevents.runtime.internal.publish.TransactionalSink;
import io.quarkus.runtime.BlockingOperationControl;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * One attempt of a record: calls its handlers one after the other, then acknowledges the record, or hands the failed
 * handlers to {@link FailedAttempts}. No Mutiny chain is built per record: when every handler is blocking and the
 * current thread may block (a lane's drain on a worker thread), the handlers are called inline; otherwise a small
 * loop ({@code Calls}) goes on synchronously as long as each call's work completes at once (a non-blocking handler on
 * its context's event loop) and from the callback of the first call that completes later. A successful attempt that
 * finished synchronously returns {@link PartitionLanes#DONE}, so the lane's drain goes on with the next record.
 */
public final class AttemptRunner {

    private static final Logger LOG = Logger.getLogger(AttemptRunner.class);
    private final EventMonitors monitors;
    private final Vertx vertx;
    private final BooleanSupplier stopping;
    private final TransactionScope transactions;
    private FailedAttempts failures;

    public AttemptRunner(EventMonitors monitors, Vertx vertx, BooleanSupplier stopping, TransactionScope transactions) {
        this.monitors = monitors;
        this.vertx = vertx;
        this.stopping = stopping;
        this.transactions = transactions;
    }

    /** Set once, right after construction (the failure outcome calls back for retries). */
    public void failures(FailedAttempts failures) {
        this.failures = failures;
    }

    /** Whether the application is stopping: no record is started any more. */
    public boolean stopping() {
        return stopping.getAsBoolean();
    }

    public void observe(EventMonitors.Kind kind, String type, PolledRecord record, String group,
            String handler, int attempt, Duration duration, Throwable failure) {
        if (monitors.active()) {
            monitors.notify(kind, new EventObservation(type, record.topic(), record.partition(),
                    record.offset(), group, handler, attempt, duration, failure));
        }
    }

    /**
     * Calls the given invokers; what happens to the failed ones is decided by {@link FailedAttempts}.
     */
    public Uni<Void> attempt(Attempt record, List<EventInvoker> invokers, Attempt.Retry retry) {
        int attempt = retry.attempt();
        if (attempt > 1 && record.revoked().getAsBoolean()) {
            // the pending retry is cancelled: the partition's new owner handles the record
            return PartitionLanes.DONE;
        }
        record.attempts()[0] = attempt;
        HandlerChannel handlers = record.handlers();
        KafkaEventContext context = new KafkaEventContext(record.record(), retry.origin(), record.decoded(),
                record.type(), handlers.group, attempt);
        long start = System.nanoTime();
        if (allBlocking(invokers) && BlockingOperationControl.isBlockingAllowed()) {
            return inline(record, invokers, retry, context, start);
        }
        if (record.record().outputs() != null) {
            // a retry after its backoff, on a timer's thread: what the handlers publish joins the transaction on the
            // thread of their call, so they are called inline on a worker
            return Uni.createFrom().emitter(emitter -> Infrastructure.getDefaultWorkerPool().execute(() -> {
                Uni<Void> outcome = inline(record, invokers, retry, context, start);
                if (outcome == PartitionLanes.DONE) {
                    emitter.complete(null);
                } else {
                    outcome.subscribe().with(emitter::complete, emitter::fail);
                }
            }));
        }
        return new Calls(record, invokers, retry, context, start).run(false);
    }

    /**
     * The handlers of one attempt called one after the other, without a Mutiny chain: as long as each call finishes
     * synchronously (a non-blocking handler whose work completes at once) the loop goes on on this thread, and the
     * attempt's outcome is returned as it is ({@link PartitionLanes#DONE} on success); once a call finishes later,
     * the loop goes on from its callback and the returned {@code Uni} completes with the outcome.
     */
    private final class Calls {
        private final Attempt record;
        private final List<EventInvoker> invokers;
        private final Attempt.Retry retry;
        private final KafkaEventContext context;
        private final long start;
        /** Completed with the outcome when a call finished after the loop returned. */
        private final CompletableFuture<Void> later = new CompletableFuture<>();
        private List<Attempt.Failed> failed = List.of();
        private int next;

        Calls(Attempt record, List<EventInvoker> invokers, Attempt.Retry retry, KafkaEventContext context,
                long start) {
            this.record = record;
            this.invokers = invokers;
            this.retry = retry;
            this.context = context;
            this.start = start;
        }

        /**
         * Calls the handlers from {@link #next} on. Not {@code resumed} (the attempt's thread): returns the outcome, or
         * a {@code Uni} of it once a call finishes later. {@code resumed} (a late call's callback): completes that
         * {@code Uni} instead.
         */
        Uni<Void> run(boolean resumed) {
            HandlerChannel handlers = record.handlers();
            while (next < invokers.size()) {
                EventInvoker invoker = invokers.get(next++);
                // marked as handling first, then checked: a shutdown drain or a revocation either sees this call
                // running (and waits for it) or is seen here (and the call is not started, the record not
                // acknowledged)
                record.record().progress().handling(record.record().offset(), invoker.handler());
                if (record.revoked().getAsBoolean()) {
                    return end(PartitionLanes.DONE, resumed);
                }
                AtomicBoolean handedOver = new AtomicBoolean();
                HandlerCalls.call(invoker, record.events().get(invoker.eventClass()), context, record.trace(), vertx,
                        failure -> {
                            if (failure != null) {
                                failed(invoker, failure);
                            }
                            if (!handedOver.compareAndSet(false, true)) {
                                run(true); // the loop returned without this call's answer: it goes on here
                            }
                        });
                if (handedOver.compareAndSet(false, true)) {
                    return resumed ? null : Uni.createFrom().completionStage(later);
                }
            }
            return end(finish(record, context, retry, failed, start), resumed);
        }

        private void failed(EventInvoker invoker, Throwable failure) {
            if (failed.isEmpty()) {
                failed = new ArrayList<>(invokers.size());
            }
            AttemptRunner.this.failed(record, invoker, retry.attempt(), start, failure, failed);
        }

        private Uni<Void> end(Uni<Void> outcome, boolean resumed) {
            if (!resumed) {
                return outcome;
            }
            if (outcome == PartitionLanes.DONE) {
                later.complete(null);
            } else {
                outcome.subscribe().with(later::complete, later::completeExceptionally);
            }
            return null;
        }
    }

    /** Blocking handlers called on this thread, one after the other. */
    private Uni<Void> inline(Attempt record, List<EventInvoker> invokers, Attempt.Retry retry,
            KafkaEventContext context, long start) {
        HandlerChannel handlers = record.handlers();
        List<Attempt.Failed> failed = List.of();
        for (EventInvoker invoker : invokers) {
            // marked as handling first, then checked (see above)
            record.record().progress().handling(record.record().offset(), invoker.handler());
            if (record.revoked().getAsBoolean()) {
                // not started: the record is left unacknowledged, for the partition's new owner
                return PartitionLanes.DONE;
            }
            TransactionalSink sink = record.record().outputs();
            Throwable failure;
            if (sink == null) {
                failure = HandlerCalls.callBlocking(invoker, record.events().get(invoker.eventClass()), context,
                        record.trace());
            } else {
                failure = inTransaction(sink, invoker, record.events().get(invoker.eventClass()), context, record);
            }
            if (failure != null) {
                if (failed.isEmpty()) {
                    failed = new ArrayList<>(invokers.size());
                }
                failed(record, invoker, retry.attempt(), start, failure, failed);
            }
        }
        return finish(record, context, retry, failed, start);
    }

    /**
     * A call in a Kafka transaction: what the handler publishes goes to the record's outputs, and is dropped when the
     * call fails.
     */
    private Throwable inTransaction(TransactionalSink sink, EventInvoker invoker, Object event,
            KafkaEventContext context, Attempt record) {
        int mark = sink.size();
        transactions.enter(sink, invoker.handler());
        Throwable failure;
        try {
            failure = HandlerCalls.callBlocking(invoker, event, context, record.trace());
        } finally {
            transactions.exit();
        }
        if (failure != null) {
            sink.truncate(mark);
        }
        return failure;
    }

    private void failed(Attempt record, EventInvoker invoker, int attempt, long start, Throwable failure,
            List<Attempt.Failed> failed) {
        EventTracing.attemptFailed(record.trace(), invoker.handler(), attempt, failure);
        failed.add(new Attempt.Failed(invoker, failure));
        observe(EventMonitors.Kind.FAILED, record.type(), record.record(), record.handlers().group,
                invoker.handler(), attempt, Duration.ofNanos(System.nanoTime() - start), failure);
    }

    private Uni<Void> finish(Attempt record, KafkaEventContext context, Attempt.Retry retry,
            List<Attempt.Failed> failed, long start) {
        if (failed.isEmpty()) {
            observe(EventMonitors.Kind.HANDLED, record.type(), record.record(), record.handlers().group, null,
                    retry.attempt(), Duration.ofNanos(System.nanoTime() - start), null);
            return record.record().finish();
        }
        return failures.after(record, context, retry, failed);
    }

    private static boolean allBlocking(List<EventInvoker> invokers) {
        for (EventInvoker invoker : invokers) {
            if (invoker.kind() != EventInvoker.BLOCKING) {
                return false;
            }
        }
        return true;
    }

}
