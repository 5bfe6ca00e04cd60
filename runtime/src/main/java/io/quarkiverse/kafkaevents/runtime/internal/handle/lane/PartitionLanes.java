package io.quarkiverse.kafkaevents.runtime.internal.handle.lane;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.ContextInternal;

/**
 * Runs the records of each partition one after the other, and the partitions of a channel side by side, so that a
 * record waiting for a retry holds up its own partition only.
 * <ul>
 * <li>Each partition has a queue and at most one drain: a loop that takes its records one after the other. A channel
 * with blocking handlers drains on a worker thread, which calls them inline, so the hop to a worker is paid once per
 * run of records, not once per record; a channel with only non-blocking handlers drains on the thread that queued or
 * completed a record. The drain stops when a record's handling becomes asynchronous (a retry backoff, a non-blocking
 * handler, a dead-letter write) and resumes when it completes. It gives its thread back after {@link #BATCH} records or
 * {@link #SLICE_NANOS}, and queues itself again behind the other partitions' drains, so no partition starves behind
 * another's backlog.</li>
 * <li>When one partition has more than {@link #PAUSE_ABOVE} records waiting (its head is in backoff, say; twice the
 * records of a poll when a task stands for a poll's records of a partition), the
 * partition is paused on the consumer, which keeps polling the others; it is resumed once its backlog is down to
 * {@link #RESUME_AT} (one poll's worth with tasks of a poll's records).</li>
 * <li>A bounded number of records may be waiting in all: beyond it, {@link #submit} makes the caller wait, which makes
 * SmallRye pause the whole consumer (a safety net).</li>
 * </ul>
 */
public final class PartitionLanes {

    private static final Logger LOG = Logger.getLogger(PartitionLanes.class);

    /** Pauses and resumes single partitions of the channel's consumers. */
    interface Flow {
        void pause(TopicPartition partition);

        void resume(TopicPartition partition);
    }

    /**
     * What a task returns when the record was finished with synchronously: the drain goes on with the next record
     * without subscribing to anything.
     */
    public static final Uni<Void> DONE = Uni.createFrom().voidItem();

    static final int PAUSE_ABOVE = 256;
    static final int RESUME_AT = 32;
    /** Records a drain takes before it gives its thread back. */
    static final int BATCH = 128;
    /** Time a drain keeps its thread at most (checked between records). */
    static final long SLICE_NANOS = 50_000_000L;
    /**
     * While a partition stays above {@link #PAUSE_ABOVE}, it is paused again every this many records: SmallRye resumes
     * every partition when it resumes the consumer after a pause of its own.
     */
    private static final int PAUSE_AGAIN_EVERY = 64;

    /**
     * The queue of one lane of a partition (a partition has one lane, or one per key slot with ordering by key), and
     * whether a drain owns it (running, rescheduled, or waiting for a record).
     */
    private static final class Lane {
        final TopicPartition partition;
        final ArrayDeque<Supplier<Uni<Void>>> queue = new ArrayDeque<>();
        /** The records each queued task stands for, in queue order (present once a task stands for more than one). */
        ArrayDeque<Integer> weights;
        boolean draining;
        /**
         * The duplicated Vert.x context the lane's drains run in on worker threads ({@link CallContexts}); made by its
         * first drain, read and written only by drains (one at a time).
         */
        ContextInternal context;

        Lane(LaneKey key) {
            this.partition = key.partition();
        }
    }

    private record LaneKey(TopicPartition partition, int slot) {
    }

    private final int capacity;
    private final Flow flow;
    /** Where drains run: a worker pool for a channel with blocking handlers; {@code null} to run in place. */
    private final Executor worker;
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    /** Records queued or running, per partition (all its lanes). */
    private final Map<TopicPartition, Integer> backlogs = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;
    /** The most records one task stood for: a poll's records of a partition, on a channel with batch handlers. */
    private int largestTask = 1;

    public PartitionLanes(int capacity, Flow flow, Executor worker) {
        this.capacity = capacity;
        this.flow = flow;
        this.worker = worker;
    }

    /**
     * Queues the task behind the earlier ones of its partition. The returned {@code Uni} completes when the task is
     * queued (at once, unless the lanes are full), not when it has run. A task returns {@link #DONE} when it finished
     * synchronously, otherwise a {@code Uni} that completes when it is finished.
     */
    public Uni<Void> submit(TopicPartition partition, Supplier<Uni<Void>> task) {
        return submit(partition, 0, task);
    }

    /**
     * Queues the task behind the earlier ones of its lane: {@code slot} 0 for a partition handled in order, or the
     * slot of the record's key when records of different keys run side by side.
     */
    public Uni<Void> submit(TopicPartition partition, int slot, Supplier<Uni<Void>> task) {
        return submit(partition, slot, 1, task);
    }

    /**
     * Queues a task that stands for {@code records} records (the records of a partition from one poll, handled as one
     * task): backlogs, pauses and the bound on queued records count them all.
     */
    public Uni<Void> submit(TopicPartition partition, int slot, int records, Supplier<Uni<Void>> task) {
        return enqueue(partition, slot, List.of(task), records);
    }

    /**
     * Queues tasks of one record each (the records of a partition from one poll, in order) behind the earlier ones of
     * the lane, under one lock: as many {@link #submit(TopicPartition, int, Supplier)} calls, but the lane, the backlog
     * and the pause are looked up and decided once. Completes when the last task is admitted.
     */
    public Uni<Void> submitAll(TopicPartition partition, int slot, List<Supplier<Uni<Void>>> tasks) {
        return tasks.isEmpty() ? DONE : enqueue(partition, slot, tasks, 1);
    }

    /** Queues tasks that stand for {@code weight} records each; completes when the last one is admitted. */
    private Uni<Void> enqueue(TopicPartition partition, int slot, List<Supplier<Uni<Void>>> tasks, int weight) {
        int records = tasks.size() * weight;
        CompletableFuture<Void> admitted = null;
        boolean pause;
        Lane start = null;
        synchronized (this) {
            Lane lane = lanes.computeIfAbsent(new LaneKey(partition, slot), Lane::new);
            if (weight != 1 && lane.weights == null) {
                // the first task standing for several records: the tasks queued before it stand for one each
                lane.weights = new ArrayDeque<>();
                for (int i = 0; i < lane.queue.size(); i++) {
                    lane.weights.addLast(1);
                }
            }
            for (Supplier<Uni<Void>> task : tasks) {
                lane.queue.addLast(task);
                if (lane.weights != null) {
                    lane.weights.addLast(weight);
                }
            }
            int backlog = backlogs.merge(partition, records, Integer::sum);
            largestTask = Math.max(largestTask, weight);
            pause = backlog > pauseAbove()
                    && (paused.add(partition) || backlog / PAUSE_AGAIN_EVERY != (backlog - records) / PAUSE_AGAIN_EVERY);
            if (!lane.draining) {
                lane.draining = true;
                start = lane;
            }
            // a waiter for each task beyond the bound, as if the tasks had been submitted one by one
            for (int i = 0; i < tasks.size(); i++) {
                inFlight += weight;
                if (inFlight > capacity) {
                    admitted = new CompletableFuture<>();
                    waiting.add(admitted);
                }
            }
        }
        if (pause) {
            flow.pause(partition);
        }
        if (start != null) {
            schedule(start, worker != null);
        }
        return admitted == null ? DONE : Uni.createFrom().completionStage(admitted);
    }

    /**
     * The backlog a partition is paused above: {@link #PAUSE_ABOVE} records, or two polls' worth when tasks stand for
     * a poll's records, so that the next poll is queued while one is handled.
     */
    private int pauseAbove() {
        return Math.max(PAUSE_ABOVE, 2 * largestTask);
    }

    /** The backlog a paused partition is resumed at: {@link #RESUME_AT}, or one poll's worth left. */
    private int resumeAt() {
        return Math.max(RESUME_AT, largestTask);
    }

    /** Whether the partition is paused because of its backlog. */
    synchronized boolean paused(TopicPartition partition) {
        return paused.contains(partition);
    }

    /** Runs the lane's drain on the worker pool (when {@code hop}, or always when there is one), or here. */
    private void schedule(Lane lane, boolean hop) {
        if (hop) {
            Executor executor = worker != null ? worker
                    : io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool();
            try {
                executor.execute(() -> drainInOwnContext(lane));
                return;
            } catch (RuntimeException rejected) {
                // the pool is shutting down: drain here, the records are dropped by their revocation checks
                LOG.debugf(rejected, "Worker pool refused the drain of %s; draining in place", lane.partition);
            }
        }
        drain(lane);
    }

    /**
     * Drains on a worker thread in the lane's own context: the worker pool runs a task in the context it was handed
     * over from (the consumer's, shared by all partitions), where the calls' MDC and spans would mix.
     */
    private void drainInOwnContext(Lane lane) {
        ContextInternal current = ContextInternal.current();
        if (current == null || current == lane.context) {
            drain(lane);
            return;
        }
        if (lane.context == null) {
            lane.context = CallContexts.create(current);
        }
        lane.context.dispatch(() -> drain(lane));
    }

    /**
     * Takes the lane's records one after the other while they finish synchronously; stops at an asynchronous one (its
     * completion resumes the drain), at an empty queue, or at the end of its batch or time slice (then queues itself
     * again).
     */
    private void drain(Lane lane) {
        long deadline = System.nanoTime() + SLICE_NANOS;
        // the records of the task before, finished synchronously: released under the same lock the next one is taken
        int finished = 0;
        for (int taken = 0;; taken++) {
            Supplier<Uni<Void>> task;
            int records = 1;
            Released released = null;
            boolean emptied = false;
            synchronized (this) {
                if (finished > 0) {
                    released = releaseLocked(lane.partition, finished);
                    finished = 0;
                }
                if (taken >= BATCH || (taken > 0 && System.nanoTime() - deadline > 0)) {
                    task = null;
                } else {
                    task = lane.queue.pollFirst();
                    if (task == null) {
                        lane.draining = false;
                        emptied = true;
                    } else if (lane.weights != null) {
                        records = lane.weights.pollFirst();
                    }
                }
            }
            if (released != null) {
                released.signal();
            }
            if (task == null) {
                if (!emptied) {
                    // fairness: behind the drains of the other partitions waiting for a thread
                    schedule(lane, true);
                }
                return;
            }
            Uni<Void> result = run(lane.partition, task);
            if (result != DONE && !completedInline(lane, result, records)) {
                return;
            }
            finished = records;
            taken += records - 1;
        }
    }

    /**
     * Subscribes to an asynchronous task. Returns {@code true} when it completed during the subscription (the drain
     * goes on), {@code false} when it is still running: its completion releases the record and resumes the drain.
     */
    private boolean completedInline(Lane lane, Uni<Void> result, int records) {
        // 0: running, 1: completed during subscribe, 2: the drain has returned
        AtomicInteger state = new AtomicInteger();
        Runnable completed = () -> {
            if (!state.compareAndSet(0, 1)) {
                release(lane.partition, records);
                // a non-blocking channel goes on in place, on the thread that completed the record
                schedule(lane, worker != null);
            }
        };
        result.subscribe().with(ignored -> completed.run(), failure -> {
            // the dispatcher turns every failure of a record into a decision: one reaching here is a defect
            LOG.errorf(failure, "Kafka Events: a record task of partition %s failed unexpectedly; the lane goes on",
                    lane.partition);
            completed.run();
        });
        return !state.compareAndSet(0, 2);
    }

    private static Uni<Void> run(TopicPartition partition, Supplier<Uni<Void>> task) {
        try {
            Uni<Void> result = task.get();
            // a failed task must not break the lane: the next record of the partition still runs
            return result == null ? DONE : result;
        } catch (Throwable e) {
            // the dispatcher turns every failure of a record into a decision: one reaching here is a defect
            LOG.errorf(e, "Kafka Events: a record task of partition %s failed unexpectedly; the lane goes on",
                    partition);
            return DONE;
        }
    }

    private void release(TopicPartition partition, int records) {
        Released released;
        synchronized (this) {
            released = releaseLocked(partition, records);
        }
        if (released != null) {
            released.signal();
        }
    }

    /**
     * Counts the records as finished (holding the lock); returns what to signal once the lock is released: the
     * partition to resume and the submitters to admit, or {@code null} when there is nothing to signal.
     */
    private Released releaseLocked(TopicPartition partition, int records) {
        List<CompletableFuture<Void>> next = List.of();
        inFlight -= records;
        // the tasks waiting for room are admitted as the records they wait behind are done
        for (int i = 0; i < records && !waiting.isEmpty(); i++) {
            if (next.isEmpty()) {
                next = new ArrayList<>(1);
            }
            next.add(waiting.poll());
        }
        int backlog = backlogs.merge(partition, -records, Integer::sum);
        boolean resume = backlog <= resumeAt() && paused.remove(partition);
        return resume || !next.isEmpty() ? new Released(resume ? partition : null, next) : null;
    }

    /** What a release signals outside the lock. */
    private final class Released {
        private final TopicPartition resume;
        private final List<CompletableFuture<Void>> admitted;

        Released(TopicPartition resume, List<CompletableFuture<Void>> admitted) {
            this.resume = resume;
            this.admitted = admitted;
        }

        void signal() {
            if (resume != null) {
                flow.resume(resume);
            }
            for (CompletableFuture<Void> waiter : admitted) {
                waiter.complete(null);
            }
        }
    }
}
