package io.quarkiverse.kafkaevents.runtime.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The intake's start gate: after {@code close} returns, no dispatch is inside and none enters; a dispatch inside is
 * waited for (up to the timeout).
 */
class IntakeGateTest {

    @Test
    void closeWaitsForTheDispatchInsideThenNoneEnters() throws Exception {
        IntakeGate gate = new IntakeGate();
        assertTrue(gate.enter());
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger stillInside = new AtomicInteger(-1);
        Thread closer = new Thread(() -> {
            stillInside.set(gate.close(Duration.ofSeconds(10)));
            closed.countDown();
        });
        closer.start();
        // the closer waits while the dispatch is inside
        assertFalse(closed.await(300, TimeUnit.MILLISECONDS));
        assertTrue(gate.closed());
        assertFalse(gate.enter(), "a dispatch entered a closing gate");
        gate.exit();
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertEquals(0, stillInside.get());
        assertFalse(gate.enter());
    }

    @Test
    void closeGivesUpAtItsTimeout() {
        IntakeGate gate = new IntakeGate();
        assertTrue(gate.enter());
        long start = System.nanoTime();
        assertEquals(1, gate.close(Duration.ofMillis(200)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 190 && took < 2_000, "close took " + took + " ms");
    }

    /**
     * Dispatching threads race a closer: every dispatch that entered did so before {@code close} returned (it was
     * waited for), none after.
     */
    @Test
    void noDispatchStartsAfterTheCloseReturned() throws Exception {
        for (int round = 0; round < 50; round++) {
            IntakeGate gate = new IntakeGate();
            AtomicBoolean closeReturned = new AtomicBoolean();
            AtomicInteger late = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread[] dispatchers = new Thread[4];
            for (int i = 0; i < dispatchers.length; i++) {
                dispatchers[i] = new Thread(() -> {
                    while (!stop.get()) {
                        if (gate.enter()) {
                            try {
                                if (closeReturned.get()) {
                                    late.incrementAndGet();
                                }
                                Thread.onSpinWait();
                            } finally {
                                gate.exit();
                            }
                        }
                    }
                });
                dispatchers[i].start();
            }
            Thread.sleep(2);
            assertEquals(0, gate.close(Duration.ofSeconds(5)));
            closeReturned.set(true);
            Thread.sleep(2);
            stop.set(true);
            for (Thread dispatcher : dispatchers) {
                dispatcher.join(5_000);
            }
            assertEquals(0, late.get(), "dispatches inside after the close returned (round " + round + ")");
        }
    }
}
