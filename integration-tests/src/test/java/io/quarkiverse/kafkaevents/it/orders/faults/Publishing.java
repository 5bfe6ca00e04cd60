package io.quarkiverse.kafkaevents.it.orders.faults;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.it.orders.OrderPlaced;

/**
 * Publishes a run's {@code OrderPlaced} events through the application's {@link EventPublisher} at a steady rate, in
 * the background: {@code keys} order ids, each with events {@code seq-1} to {@code seq-<perKey>} published in that
 * order (round robin over the keys). Keeps the events the broker acknowledged, the failures, and the slowest
 * acknowledgement.
 */
final class Publishing {

    final String run;
    final int total;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong slowestMillis = new AtomicLong();
    private final AtomicInteger sent = new AtomicInteger();
    private final CountDownLatch finished;
    private final Thread thread;

    private Publishing(EventPublisher publisher, String run, int keys, int firstSeq, int perKey, int perSecond) {
        this.run = run;
        this.total = keys * perKey;
        this.finished = new CountDownLatch(total);
        Semaphore inFlight = new Semaphore(500);
        this.thread = new Thread(() -> {
            long start = System.nanoTime();
            for (int seq = firstSeq; seq < firstSeq + perKey; seq++) {
                for (int k = 0; k < keys; k++) {
                    long due = start + TimeUnit.SECONDS.toNanos(sent.get()) / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        FaultSupport.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
                    }
                    inFlight.acquireUninterruptibly();
                    String key = run + "-k" + k;
                    String event = key + "/seq-" + seq;
                    long sentAt = System.nanoTime();
                    sent.incrementAndGet();
                    publisher.publish(new OrderPlaced(key, run, "seq-" + seq, 1, BigDecimal.ONE))
                            .subscribe().with(ok -> {
                                slowestMillis.accumulateAndGet((System.nanoTime() - sentAt) / 1_000_000, Math::max);
                                acknowledged.add(event);
                                inFlight.release();
                                finished.countDown();
                            }, failure -> {
                                failed.incrementAndGet();
                                inFlight.release();
                                finished.countDown();
                            });
                }
            }
        }, "fault-suite-publisher");
        thread.setDaemon(true);
    }

    static Publishing start(EventPublisher publisher, String run, int keys, int perKey, int perSecond) {
        return start(publisher, run, keys, 1, perKey, perSecond);
    }

    /** Publishes {@code seq-<firstSeq>} onwards: the continuation of a publishing of the same run that has sent all. */
    static Publishing start(EventPublisher publisher, String run, int keys, int firstSeq, int perKey, int perSecond) {
        Publishing publishing = new Publishing(publisher, run, keys, firstSeq, perKey, perSecond);
        publishing.thread.start();
        return publishing;
    }

    int sent() {
        return sent.get();
    }

    /** Waits until every event was acknowledged or failed. */
    void await(Duration timeout) throws InterruptedException {
        if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("publishing of " + run + " not finished within " + timeout.toSeconds() + " s: "
                    + acknowledged.size() + " acknowledged, " + failed.get() + " failed of " + total);
        }
    }

    void awaitSent(int count, Duration timeout) {
        FaultSupport.awaitTrue(count + " events of " + run + " sent", timeout, () -> sent.get() >= count);
    }
}
