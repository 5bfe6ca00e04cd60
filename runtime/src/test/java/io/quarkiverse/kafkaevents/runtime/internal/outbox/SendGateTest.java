package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The outbox's stop and its sends: once the stop's wait is over, no send starts (its row would be acknowledged but
 * never deleted, and sent again by the successor); the stop waits for the work in flight, within its budget.
 */
class SendGateTest {

    @Test
    void theStopWaitsForWorkInFlightAndNothingStartsAfterIt() throws Exception {
        SendGate gate = new SendGate();
        assertTrue(gate.enter());
        Thread finisher = new Thread(() -> {
            sleep(200);
            gate.leave();
        });
        finisher.start();
        long start = System.nanoTime();
        assertEquals(0, gate.close(Duration.ofSeconds(5)));
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(waited >= 150 && waited < 4_000, "waited " + waited + " ms for the send in flight");
        assertFalse(gate.enter(), "a send started after the stop");
    }

    @Test
    void theStopGivesUpAtItsTimeoutAndSaysHowMuchIsLeft() {
        SendGate gate = new SendGate();
        assertTrue(gate.enter());
        gate.add(); // a send of a row the claim took
        long start = System.nanoTime();
        assertEquals(2, gate.close(Duration.ofMillis(300)));
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(waited >= 250 && waited < 3_000, "waited " + waited + " ms, timeout 300 ms");
    }

    /**
     * Senders racing the stop: every send either was refused or was waited for; none is counted in after the stop
     * returned with nothing in flight.
     */
    @Test
    void noSendSlipsPastTheStop() throws Exception {
        for (int round = 0; round < 50; round++) {
            SendGate gate = new SendGate();
            AtomicBoolean stopped = new AtomicBoolean();
            AtomicInteger afterStop = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread sender = new Thread(() -> {
                    while (true) {
                        if (!gate.enter()) {
                            return;
                        }
                        if (stopped.get()) {
                            afterStop.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        gate.leave();
                    }
                });
                senders.add(sender);
                sender.start();
            }
            sleep(2);
            assertEquals(0, gate.close(Duration.ofSeconds(5)));
            stopped.set(true);
            for (Thread sender : senders) {
                sender.join(5_000);
                assertFalse(sender.isAlive());
            }
            assertEquals(0, afterStop.get(), "sends started after the stop's wait");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
