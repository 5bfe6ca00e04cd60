package io.quarkiverse.kafkaevents.benchmarks;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects latencies of the events published inside a time window: publish to handler entry, from the {@code sentAt}
 * timestamp in the payload (same JVM, so {@link System#nanoTime()} on both sides), publish to acknowledgement, or
 * commit to acknowledgement.
 */
public final class LatencyRecorder {

    private final AtomicInteger count = new AtomicInteger();
    private volatile long[] samples = new long[0];
    private volatile long from = Long.MAX_VALUE;
    private volatile long until = Long.MIN_VALUE;

    /** Records the events sent between {@code fromNanos} and {@code untilNanos}, at most {@code capacity}. */
    public void arm(long fromNanos, long untilNanos, int capacity) {
        samples = new long[capacity];
        count.set(0);
        from = fromNanos;
        until = untilNanos;
    }

    /** Called on handler entry. */
    public void record(BenchEvent event) {
        record(event.sentAt);
    }

    /** Records the time elapsed since {@code sentAt} ({@link System#nanoTime()}). */
    public void record(long sentAt) {
        record(sentAt, System.nanoTime() - sentAt);
    }

    /**
     * Records a latency measured from another start than the send (a commit, the call to publish) for the event sent
     * at {@code sentAt}, which decides whether it falls in the window.
     */
    public void record(long sentAt, long latency) {
        if (sentAt < from || sentAt >= until) {
            return;
        }
        int i = count.getAndIncrement();
        long[] array = samples;
        if (i < array.length) {
            array[i] = latency;
        }
    }

    /** Samples recorded since {@link #arm}. */
    public int count() {
        return Math.min(count.get(), samples.length);
    }

    /** The samples recorded since {@link #arm}, sorted; stops recording. */
    public long[] disarm() {
        from = Long.MAX_VALUE;
        long[] sorted = Arrays.copyOf(samples, count());
        Arrays.sort(sorted);
        return sorted;
    }
}
