package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread that calls the producer's {@code send} for callers that must not wait: the producer blocks its caller for
 * up to {@code max.block.ms} while a topic's metadata is unknown or {@code buffer.memory} is full, and an event loop
 * (a non-blocking handler's dead-letter or retry write, a publish from reactive code) must never block. Sends are
 * handed over in the order they come, so the order of one caller's publishes holds; while any wait here, sends from
 * other threads queue behind them too, for the same reason. The queue is bounded: when it is full, a send fails at
 * once instead of waiting.
 */
final class SendHandOff {

    /** How many sends may wait for the producer before new ones are refused. */
    static final int CAPACITY = 4096;

    private final ThreadPoolExecutor thread;
    private final AtomicInteger pending = new AtomicInteger();

    SendHandOff(String channel) {
        thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(CAPACITY), task -> {
            Thread sender = new Thread(task, "kafka-events-send-" + channel);
            sender.setDaemon(true);
            return sender;
        });
    }

    /** Whether sends wait here: a send from any thread must then queue behind them to keep its caller's order. */
    boolean busy() {
        return pending.get() > 0;
    }

    /** Queues {@code send}; {@code false} when the queue is full or closed (nothing was queued). */
    boolean offer(Runnable send) {
        pending.incrementAndGet();
        try {
            thread.execute(() -> {
                try {
                    send.run();
                } finally {
                    pending.decrementAndGet();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            return false;
        }
    }

    /** Sends what is queued, then lets the thread end. */
    void close() {
        thread.shutdown();
    }
}
