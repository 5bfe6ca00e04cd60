package io.quarkiverse.kafkaevents.runtime.internal.handle.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** The lanes on their own: order, one record at a time, asynchronous records, fairness, capacity. */
class PartitionLanesTest {

    static final TopicPartition A = new TopicPartition("t", 0);
    static final TopicPartition B = new TopicPartition("t", 1);

    static final PartitionLanes.Flow NO_FLOW = new PartitionLanes.Flow() {
        @Override
        public void pause(TopicPartition partition) {
        }

        @Override
        public void resume(TopicPartition partition) {
        }
    };

    final ExecutorService worker = Executors.newSingleThreadExecutor();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    /**
     * Initializes Mutiny's context propagation once, on this thread: outside Quarkus, its first use on two threads at
     * once can fail ("ContextManagerProvider already set").
     */
    @BeforeAll
    static void initMutiny() {
        Uni.createFrom().completionStage(CompletableFuture.completedFuture(1)).await().indefinitely();
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void aBacklogDoesNotStarveAnotherPartitionOnOneThread() throws Exception {
        PartitionLanes lanes = new PartitionLanes(100_000, NO_FLOW, worker);
        CountDownLatch gate = new CountDownLatch(1);
        worker.execute(() -> await(gate)); // holds the only thread while both lanes fill
        List<String> handled = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lanes.submit(A, () -> {
                handled.add("A");
                return PartitionLanes.DONE;
            });
        }
        CountDownLatch fewDone = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            lanes.submit(B, () -> {
                handled.add("B");
                fewDone.countDown();
                return PartitionLanes.DONE;
            });
        }
        gate.countDown();
        assertTrue(fewDone.await(10, TimeUnit.SECONDS));
        int backlogBefore = handled.indexOf("B");
        assertTrue(backlogBefore <= PartitionLanes.BATCH,
                "records of the backlog handled before the other partition's: " + backlogBefore);
        awaitSize(handled, 2005);
    }

    @Test
    void recordsOfAPartitionInOrderOneAtATimeAcrossAsynchronousOnes() throws Exception {
        PartitionLanes lanes = new PartitionLanes(100_000, NO_FLOW, worker);
        List<Integer> order = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        int records = 1000;
        for (int i = 0; i < records; i++) {
            int n = i;
            lanes.submit(A, () -> {
                if (running.incrementAndGet() > 1) {
                    overlap.incrementAndGet();
                }
                order.add(n);
                if (n % 10 == 0) {
                    // asynchronous: completes later on another thread
                    CompletableFuture<Void> later = new CompletableFuture<>();
                    timer.schedule(() -> {
                        running.decrementAndGet();
                        later.complete(null);
                    }, 1, TimeUnit.MILLISECONDS);
                    return Uni.createFrom().completionStage(later);
                }
                if (n % 10 == 5) {
                    running.decrementAndGet();
                    return Uni.createFrom().voidItem(); // a Uni that completes at subscription
                }
                if (n % 10 == 7) {
                    running.decrementAndGet();
                    throw new IllegalStateException("a failing task does not break the lane");
                }
                running.decrementAndGet();
                return PartitionLanes.DONE;
            });
        }
        awaitSize(order, records);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            expected.add(i);
        }
        assertEquals(expected, order);
        assertEquals(0, overlap.get(), "records of one partition running at once");
    }

    @Test
    void tasksQueuedTogetherRunInOrderAndWaitForRoomAsIfQueuedOneByOne() throws Exception {
        PartitionLanes lanes = new PartitionLanes(4, NO_FLOW, null);
        CompletableFuture<Void> first = new CompletableFuture<>();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        List<java.util.function.Supplier<Uni<Void>>> tasks = new ArrayList<>();
        tasks.add(() -> {
            ran.add(0);
            return Uni.createFrom().completionStage(first);
        });
        for (int i = 1; i < 6; i++) {
            int task = i;
            tasks.add(() -> {
                ran.add(task);
                return PartitionLanes.DONE;
            });
        }
        CompletableFuture<Void> admitted = lanes.submitAll(A, 0, tasks).subscribeAsCompletionStage()
                .toCompletableFuture();
        assertEquals(List.of(0), ran, "the first task runs, the others wait behind it");
        assertFalse(admitted.isDone(), "six records admitted with room for four");
        // a single record behind them waits for room too
        CompletableFuture<Void> behind = lanes.submit(A, () -> {
            ran.add(6);
            return PartitionLanes.DONE;
        }).subscribeAsCompletionStage().toCompletableFuture();
        assertFalse(behind.isDone());
        first.complete(null);
        admitted.get(5, TimeUnit.SECONDS);
        behind.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), ran);
    }

    @Test
    void fullLanesAdmitOnlyWhenARecordIsFinished() throws Exception {
        PartitionLanes lanes = new PartitionLanes(2, NO_FLOW, worker);
        CompletableFuture<Void> first = new CompletableFuture<>();
        lanes.submit(A, () -> Uni.createFrom().completionStage(first)).await().atMost(Duration.ofSeconds(5));
        lanes.submit(A, () -> PartitionLanes.DONE).await().atMost(Duration.ofSeconds(5));
        CompletableFuture<Void> third = lanes.submit(A, () -> PartitionLanes.DONE).subscribeAsCompletionStage()
                .toCompletableFuture();
        assertFalse(third.isDone(), "admitted beyond the capacity: " + third);
        first.complete(null);
        third.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aTaskStandingForManyRecordsCountsThemAll() throws Exception {
        List<String> flow = new CopyOnWriteArrayList<>();
        PartitionLanes lanes = new PartitionLanes(1000, new PartitionLanes.Flow() {
            @Override
            public void pause(TopicPartition partition) {
                flow.add("pause " + partition);
            }

            @Override
            public void resume(TopicPartition partition) {
                flow.add("resume " + partition);
            }
        }, worker);
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> poll = new CompletableFuture<>();
        // a single record, then the records of two polls as a task each (the first still running), then a single one
        lanes.submit(A, () -> {
            order.add(1);
            return PartitionLanes.DONE;
        });
        awaitSize(order, 1);
        lanes.submit(A, 0, 300, () -> {
            order.add(300);
            return Uni.createFrom().completionStage(poll);
        }).await().atMost(Duration.ofSeconds(5));
        lanes.submit(A, 0, 300, () -> {
            order.add(300);
            return PartitionLanes.DONE;
        }).await().atMost(Duration.ofSeconds(5));
        assertEquals(List.of(), flow, "two polls' worth may wait: the next one is ready when one is handled");
        lanes.submit(A, () -> {
            order.add(1);
            return PartitionLanes.DONE;
        });
        assertEquals(List.of("pause " + A), flow, "paused by the records the tasks stand for");
        assertTrue(lanes.paused(A));
        // 399 more records fit (601 of A are queued or running); the next ones wait for room
        CompletableFuture<Void> held = new CompletableFuture<>();
        lanes.submit(B, 0, 399, () -> Uni.createFrom().completionStage(held)).await().atMost(Duration.ofSeconds(5));
        CompletableFuture<Void> beyond = lanes.submit(B, 0, 2, () -> PartitionLanes.DONE)
                .subscribeAsCompletionStage().toCompletableFuture();
        Thread.sleep(50);
        assertFalse(beyond.isDone(), "admitted beyond the capacity");
        poll.complete(null);
        beyond.get(5, TimeUnit.SECONDS);
        awaitSize(order, 4);
        assertEquals(List.of(1, 300, 300, 1), order);
        assertEquals(List.of("pause " + A, "resume " + A), flow, "resumed once a poll's worth is left at most");
        held.complete(null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(size, list.size());
    }
}
