package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs the records of each partition one after the other, and the partitions of a channel side by side, so that a
 * record waiting for a retry holds up its own partition only. A bounded number of records may be waiting in all:
 * beyond it, {@link #submit} makes the caller wait, which makes SmallRye pause the consumer.
 */
final class PartitionLanes {

    private final int capacity;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;

    PartitionLanes(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Queues the task behind the earlier ones of its partition. The returned {@code Uni} completes when the task is
     * queued (at once, unless the lanes are full), not when it has run.
     */
    Uni<Void> submit(String partition, Supplier<Uni<Void>> task) {
        CompletableFuture<Void> admitted;
        synchronized (this) {
            CompletableFuture<Void> previous = tails.getOrDefault(partition, CompletableFuture.completedFuture(null));
            CompletableFuture<Void> next = previous
                    .thenCompose(ignored -> run(task))
                    .whenComplete((ignored, failure) -> release());
            tails.put(partition, next);
            inFlight++;
            if (inFlight <= capacity) {
                admitted = CompletableFuture.completedFuture(null);
            } else {
                admitted = new CompletableFuture<>();
                waiting.add(admitted);
            }
        }
        return Uni.createFrom().completionStage(admitted);
    }

    private static CompletableFuture<Void> run(Supplier<Uni<Void>> task) {
        try {
            // a failed task must not break the lane: the next record of the partition still runs
            return task.get().onFailure().recoverWithNull().subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            inFlight--;
            next = waiting.poll();
        }
        if (next != null) {
            next.complete(null);
        }
    }
}
