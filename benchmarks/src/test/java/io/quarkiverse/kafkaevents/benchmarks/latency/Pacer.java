package io.quarkiverse.kafkaevents.benchmarks.latency;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Sends at a fixed rate on the calling thread. Each send gets its scheduled time, not the time it actually happened,
 * so a sender that falls behind shows up in the latencies instead of hiding them (no coordinated omission).
 */
final class Pacer {

    /** What a paced run did. */
    record Run(long sent, long sentInWindow, long maxLagNanos, long elapsedNanos) {
    }

    private Pacer() {
    }

    /**
     * Sends one event every {@code 1/rate} seconds from {@code start} until {@code end}; counts those scheduled in
     * {@code [windowStart, end)}.
     */
    static Run run(int rate, long start, long windowStart, long end, LongConsumer send) {
        long period = 1_000_000_000L / rate;
        long sent = 0;
        long inWindow = 0;
        long maxLag = 0;
        for (long scheduled = start; scheduled < end; scheduled += period) {
            long now;
            while ((now = System.nanoTime()) < scheduled) {
                LockSupport.parkNanos(scheduled - now);
            }
            maxLag = Math.max(maxLag, now - scheduled);
            send.accept(scheduled);
            sent++;
            if (scheduled >= windowStart) {
                inWindow++;
            }
        }
        return new Run(sent, inWindow, maxLag, System.nanoTime() - start);
    }
}
