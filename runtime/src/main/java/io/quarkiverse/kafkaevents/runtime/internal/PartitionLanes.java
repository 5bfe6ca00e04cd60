package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

import io.smallrye.mutiny.Uni;

/**
 * Runs the records of each partition one after the other, and the partitions of a channel side by side, so that a
 * record waiting for a retry holds up its own partition only.
 * <ul>
 * <li>When one partition has more than {@link #PAUSE_ABOVE} records waiting (its head is in backoff, say), the
 * partition is paused on the consumer, which keeps polling the others; it is resumed once its backlog is down to
 * {@link #RESUME_AT}.</li>
 * <li>A bounded number of records may be waiting in all: beyond it, {@link #submit} makes the caller wait, which makes
 * SmallRye pause the whole consumer (a safety net).</li>
 * </ul>
 */
final class PartitionLanes {

    /** Pauses and resumes single partitions of the channel's consumers. */
    interface Flow {
        void pause(TopicPartition partition);

        void resume(TopicPartition partition);
    }

    static final int PAUSE_ABOVE = 256;
    static final int RESUME_AT = 32;
    /**
     * While a partition stays above {@link #PAUSE_ABOVE}, it is paused again every this many records: SmallRye resumes
     * every partition when it resumes the consumer after a pause of its own.
     */
    private static final int PAUSE_AGAIN_EVERY = 64;

    private final int capacity;
    private final Flow flow;
    private final Map<TopicPartition, CompletableFuture<Void>> tails = new HashMap<>();
    private final Map<TopicPartition, Integer> waitingPerPartition = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;

    PartitionLanes(int capacity, Flow flow) {
        this.capacity = capacity;
        this.flow = flow;
    }

    /**
     * Queues the task behind the earlier ones of its partition. The returned {@code Uni} completes when the task is
     * queued (at once, unless the lanes are full), not when it has run.
     */
    Uni<Void> submit(TopicPartition partition, Supplier<Uni<Void>> task) {
        CompletableFuture<Void> admitted;
        boolean pause;
        synchronized (this) {
            CompletableFuture<Void> previous = tails.getOrDefault(partition, CompletableFuture.completedFuture(null));
            CompletableFuture<Void> next = previous
                    .thenCompose(ignored -> run(task))
                    .whenComplete((ignored, failure) -> release(partition));
            tails.put(partition, next);
            int backlog = waitingPerPartition.merge(partition, 1, Integer::sum);
            pause = backlog > PAUSE_ABOVE && (paused.add(partition) || backlog % PAUSE_AGAIN_EVERY == 0);
            inFlight++;
            if (inFlight <= capacity) {
                admitted = CompletableFuture.completedFuture(null);
            } else {
                admitted = new CompletableFuture<>();
                waiting.add(admitted);
            }
        }
        if (pause) {
            flow.pause(partition);
        }
        return Uni.createFrom().completionStage(admitted);
    }

    /** Whether the partition is paused because of its backlog. */
    synchronized boolean paused(TopicPartition partition) {
        return paused.contains(partition);
    }

    private static CompletableFuture<Void> run(Supplier<Uni<Void>> task) {
        try {
            // a failed task must not break the lane: the next record of the partition still runs
            return task.get().onFailure().recoverWithNull().subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void release(TopicPartition partition) {
        CompletableFuture<Void> next;
        boolean resume;
        synchronized (this) {
            inFlight--;
            next = waiting.poll();
            int backlog = waitingPerPartition.merge(partition, -1, Integer::sum);
            if (backlog == 0) {
                waitingPerPartition.remove(partition);
            }
            resume = backlog <= RESUME_AT && paused.remove(partition);
        }
        if (resume) {
            flow.resume(partition);
        }
        if (next != null) {
            next.complete(null);
        }
    }
}
