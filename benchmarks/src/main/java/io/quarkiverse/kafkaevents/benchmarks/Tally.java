package io.quarkiverse.kafkaevents.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a consumer contestant does with each event: counts it and folds it into a checksum (so the deserialized event
 * is used), and tells the harness when the expected number of events has arrived.
 */
public final class Tally {

    private final LongAdder total = new LongAdder();
    private final LongAdder checksum = new LongAdder();
    private volatile CountDownLatch expected = new CountDownLatch(0);

    public void record(BenchEvent event) {
        total.increment();
        checksum.add(event.quantity);
        expected.countDown();
    }

    /** Arms the tally for the next {@code count} events. */
    public void expect(long count) {
        expected = new CountDownLatch(Math.toIntExact(count));
    }

    /** Waits for the armed number of events; {@code false} on time-out. */
    public boolean await(Duration timeout) throws InterruptedException {
        return expected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Events recorded so far. */
    public long total() {
        return total.sum();
    }

    /** Sum of the quantities recorded so far. */
    public long checksum() {
        return checksum.sum();
    }
}
