package io.quarkiverse.kafkaevents.benchmarks.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed number of writer threads running transactions one after the other until a given number is done. */
final class Writers implements AutoCloseable {

    private final int threads;
    private final ExecutorService pool;

    Writers(int threads) {
        this.threads = threads;
        AtomicInteger number = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "bench-writer-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    int threads() {
        return threads;
    }

    /** Runs {@code transactions} transactions on the writer threads; returns when all committed, fails if any failed. */
    void run(int transactions, Runnable transaction) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(transactions);
        List<Future<?>> running = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            running.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    transaction.run();
                }
            }));
        }
        for (Future<?> writer : running) {
            try {
                writer.get();
            } catch (ExecutionException e) {
                left.set(0);
                throw new IllegalStateException("A writer's transaction failed: " + e.getCause(), e.getCause());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
