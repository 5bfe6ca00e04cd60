package io.quarkiverse.kafkaevents.benchmarks.publish;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounds the records a publish contestant has in flight (sent, not acknowledged yet), the same bound for every
 * contestant, and counts the acknowledgements.
 */
public final class Window {

    private final int size;
    private final Semaphore permits;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public Window(int size) {
        this.size = size;
        this.permits = new Semaphore(size);
    }

    /** Blocks until {@code records} more may be sent. */
    public void acquire(int records) {
        permits.acquireUninterruptibly(records);
    }

    public void acknowledged(int records) {
        acknowledged.addAndGet(records);
        permits.release(records);
    }

    public void failed(int records, Throwable cause) {
        failure.compareAndSet(null, cause);
        permits.release(records);
    }

    /** Waits until nothing is in flight; returns the number of acknowledged records, fails if any send failed. */
    public long drain() {
        permits.acquireUninterruptibly(size);
        permits.release(size);
        Throwable cause = failure.get();
        if (cause != null) {
            throw new IllegalStateException("A send failed: " + cause, cause);
        }
        return acknowledged.get();
    }
}
