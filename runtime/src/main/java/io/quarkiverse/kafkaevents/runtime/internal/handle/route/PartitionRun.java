package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.runtime.internal.failure.FailureOutcome;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.AttemptRunner;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.HandlerCalls;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.KafkaEventContext;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkiverse.kafkaevents.runtime.internal.observability.Mdc;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The records of one partition from one poll, on a channel with batch handlers ({@code @EventHandler void
 * on(List<E> events)}), as one task of the partition's lane. The records are routed one by one
 * ({@link RecordHandler#route}), then handled in offset order as segments:
 * <ul>
 * <li>a run of consecutive records of one type whose handlers are all batch handlers: each handler is called once
 * with the run's events;</li>
 * <li>any other record (a type with a single-event handler, or one skipped or unreadable): alone, like on any
 * channel.</li>
 * </ul>
 * A segment starts when the one before it finished, so the partition's order holds across types. When a batch call
 * fails, the handlers that failed are called again with each event of the run alone, in order, and those calls are
 * retried and dead-lettered like a single-event handler's ({@link AttemptRunner}, {@link FailureOutcome}): one bad
 * event never dead-letters its neighbours.
 */
public final class PartitionRun {

    private static final Logger LOG = Logger.getLogger(PartitionRun.class);

    private final RecordHandler records;
    private final AttemptRunner attempts;
    private final EventTracing tracing;
    private final Vertx vertx;
    private final UnexpectedFailures unexpected;

    public PartitionRun(RecordHandler records, AttemptRunner attempts, EventTracing tracing, Vertx vertx,
            UnexpectedFailures unexpected) {
        this.unexpected = unexpected;
        this.records = records;
        this.attempts = attempts;
        this.tracing = tracing;
        this.vertx = vertx;
    }

    private enum Kind {
        /** Records handled together by their batch handlers. */
        BATCH,
        /** One record, handled by its handlers like on any channel. */
        SINGLE,
        /** One record of a failed batch, called alone by the handlers that failed. */
        ALONE,
        /** One record already finished with: skipped, or on its way to the dead-letter topic. */
        OUTCOME
    }

    /** A segment of the run: its records, the handlers to call, and the outcome of an {@code OUTCOME} segment. */
    private record Segment(Kind kind, List<RecordHandler.Routed> routed, List<EventInvoker> invokers,
            Uni<Void> outcome) {

        long first() {
            return routed.get(0).record.offset();
        }

        long last() {
            return routed.get(routed.size() - 1).record.offset();
        }

        /** The segment's records are finished with: its lane's progress no longer shows them. */
        void done() {
            routed.get(0).record.progress().done(first(), last());
        }
    }

    /**
     * Routes and handles the partition's records (in offset order); returns {@link PartitionLanes#DONE} when all
     * finished at once.
     */
    public Uni<Void> handle(HandlerChannel handlers, TopicPartition partition, List<PolledRecord> polled,
            BooleanSupplier revoked) {
        List<Segment> segments = new ArrayList<>();
        Segment open = null;
        for (PolledRecord polledRecord : polled) {
            RecordHandler.Routed record = records.route(handlers, polledRecord, null, revoked);
            if (record.outcome != null) {
                open = null;
                segments.add(new Segment(Kind.OUTCOME, List.of(record), null, record.outcome));
            } else if (!allBatch(record.invokers)) {
                open = null;
                segments.add(new Segment(Kind.SINGLE, List.of(record), record.invokers, null));
            } else if (open != null && open.invokers == record.invokers) {
                open.routed.add(record);
            } else {
                List<RecordHandler.Routed> run = new ArrayList<>();
                run.add(record);
                open = new Segment(Kind.BATCH, run, record.invokers, null);
                segments.add(open);
            }
        }
        return runFrom(handlers, partition, segments, 0, null);
    }

    /**
     * Runs the segments from {@code index} on, one after the other: in a loop while they finish synchronously (also a
     * {@code Uni} that completes during its subscription), so a long run never deepens the stack; from the callback of
     * the first one that finishes later, which goes on with the rest and completes {@code finished} at the end.
     * Returns {@link PartitionLanes#DONE} when all finished here, else (called with {@code finished == null}) a
     * {@code Uni} completing with the run.
     */
    private Uni<Void> runFrom(HandlerChannel handlers, TopicPartition partition, List<Segment> segments, int index,
            CompletableFuture<Void> finished) {
        while (index < segments.size()) {
            Segment segment = segments.get(index++);
            Uni<Void> work;
            try {
                work = switch (segment.kind) {
                    case BATCH -> batch(handlers, partition, segment, segments, index);
                    case SINGLE -> records.start(segment.routed.get(0), segment.invokers);
                    case ALONE -> records.attempt(segment.routed.get(0), segment.invokers);
                    case OUTCOME -> segment.outcome;
                };
            } catch (Throwable e) {
                work = unexpected(handlers, segment, e);
            }
            if (work != PartitionLanes.DONE) {
                // a segment's work failing unexpectedly ends in a decision for its records too
                work = work.onFailure().recoverWithUni(failure -> {
                    Uni<Void> decided = unexpected(handlers, segment, failure);
                    return decided == PartitionLanes.DONE ? Uni.createFrom().voidItem() : decided;
                });
            }
            if (work != PartitionLanes.DONE) {
                CompletableFuture<Void> end = finished != null ? finished : new CompletableFuture<>();
                // 0: running, 1: completed during the subscription, 2: this loop has returned
                AtomicInteger state = new AtomicInteger();
                int next = index;
                Runnable completed = () -> {
                    if (!state.compareAndSet(0, 1)) {
                        segment.done();
                        runFrom(handlers, partition, segments, next, end);
                    }
                };
                work.subscribe().with(ignored -> completed.run(), failure -> completed.run());
                if (state.compareAndSet(0, 2)) {
                    return finished != null ? null : Uni.createFrom().completionStage(end);
                }
            }
            segment.done();
        }
        if (finished != null) {
            finished.complete(null);
            return null;
        }
        return PartitionLanes.DONE;
    }

    /**
     * Calls the run's batch handlers one after the other; then acknowledges its records, or inserts after it one
     * segment per record with the handlers that failed.
     */
    private Uni<Void> batch(HandlerChannel handlers, TopicPartition partition, Segment segment,
            List<Segment> segments, int next) {
        List<RecordHandler.Routed> run = segment.routed;
        RecordHandler.Routed first = run.get(0);
        List<EventContext> contexts = new ArrayList<>(run.size());
        for (RecordHandler.Routed record : run) {
            attempts.observe(EventMonitors.Kind.RECEIVED, record.type, record.record, handlers.group, null, 0, null,
                    null);
            contexts.add(new KafkaEventContext(record.record, record.origin, record.decoded, record.type,
                    handlers.group, 1));
        }
        // one span for the run, in the trace of its first event
        Context trace = tracing.start(first.record.consumerRecord(), first.type, handlers.group, first.decoded.id());
        Span.fromContext(trace).setAttribute(EventTracing.BATCH_SIZE, (long) run.size());
        BatchCalls calls = new BatchCalls(handlers, partition, segment, contexts, trace);
        Uni<Void> called = calls.from(0);
        Runnable after = () -> {
            EventTracing.end(trace, 1);
            if (!calls.failed.isEmpty()) {
                segments.addAll(next, calls.alone());
            }
        };
        if (called == PartitionLanes.DONE) {
            after.run();
            return called;
        }
        return called.invoke(after);
    }

    /** The calls of one batch segment's handlers, each with all of its events. */
    private final class BatchCalls {
        private final HandlerChannel handlers;
        private final TopicPartition partition;
        private final Segment segment;
        private final List<EventContext> contexts;
        private final Context trace;
        private final long start = System.nanoTime();
        final List<EventInvoker> failed = new ArrayList<>(1);

        BatchCalls(HandlerChannel handlers, TopicPartition partition, Segment segment, List<EventContext> contexts,
                Context trace) {
            this.handlers = handlers;
            this.partition = partition;
            this.segment = segment;
            this.contexts = contexts;
            this.trace = trace;
        }

        /** Calls the handlers from {@code index} on; {@link PartitionLanes#DONE} when all finished at once. */
        Uni<Void> from(int index) {
            List<EventInvoker> invokers = segment.invokers;
            while (index < invokers.size()) {
                EventInvoker invoker = invokers.get(index++);
                segment.routed.get(0).record.progress().handling(segment.first(), invoker.handler());
                if (segment.routed.get(0).revoked.getAsBoolean()) {
                    // not started: the records are left unacknowledged, for the partition's new owner
                    return PartitionLanes.DONE;
                }
                List<Object> events = new ArrayList<>(segment.routed.size());
                for (RecordHandler.Routed record : segment.routed) {
                    events.add(record.events.get(invoker.eventClass()));
                }
                CompletableFuture<Throwable> done = new CompletableFuture<>();
                HandlerCalls.call(invoker, events, (KafkaEventContext) contexts.get(0), contexts, trace, vertx,
                        done::complete);
                if (!done.isDone()) {
                    int next = index;
                    return Uni.createFrom().completionStage(done).chain(failure -> {
                        called(invoker, failure);
                        Uni<Void> rest = from(next);
                        return rest == PartitionLanes.DONE ? Uni.createFrom().voidItem() : rest;
                    });
                }
                called(invoker, done.join());
            }
            if (failed.isEmpty()) {
                Duration duration = Duration.ofNanos(System.nanoTime() - start);
                for (RecordHandler.Routed record : segment.routed) {
                    attempts.observe(EventMonitors.Kind.HANDLED, record.type, record.record, handlers.group, null, 1,
                            duration, null);
                    record.record.finish();
                }
            }
            return PartitionLanes.DONE;
        }

        private void called(EventInvoker invoker, Throwable failure) {
            if (failure == null) {
                return;
            }
            failed.add(invoker);
            EventTracing.attemptFailed(trace, invoker.handler(), 1, failure);
            Object[] saved = Mdc.push(contexts.get(0));
            try {
                LOG.warnf("Batch handler %s failed for %d events of %s (offsets %d to %d): %s; calling it with each"
                        + " event alone", invoker.handler(), segment.routed.size(), partition, segment.first(),
                        segment.last(), String.valueOf(failure));
            } finally {
                Mdc.restore(saved);
            }
        }

        /** One segment per event of the run, with the handlers that failed: their first attempt alone. */
        List<Segment> alone() {
            List<EventInvoker> again = List.copyOf(failed);
            List<Segment> alone = new ArrayList<>(segment.routed.size());
            for (RecordHandler.Routed record : segment.routed) {
                alone.add(new Segment(Kind.ALONE, List.of(record), again, null));
            }
            return alone;
        }
    }

    /** A segment whose work failed unexpectedly: a decision for each of its records still pending. */
    private Uni<Void> unexpected(HandlerChannel handlers, Segment segment, Throwable failure) {
        List<PolledRecord> pending = new ArrayList<>(segment.routed.size());
        for (RecordHandler.Routed record : segment.routed) {
            pending.add(record.record);
        }
        return unexpected.decideAll(handlers, pending, failure, segment.routed.get(0).revoked);
    }

    private static boolean allBatch(List<EventInvoker> invokers) {
        for (EventInvoker invoker : invokers) {
            if (!invoker.batch()) {
                return false;
            }
        }
        return true;
    }
}
