package io.quarkiverse.kafkaevents.runtime.internal.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The sending thread of event-loop callers: sends run in the order they were handed over, other threads' sends queue
 * behind while any wait, and past {@link SendHandOff#CAPACITY} waiting sends a new one is refused at once.
 */
class SendHandOffTest {

    @Test
    void sendsRunInOrderAndTheQueueIsBounded() throws Exception {
        SendHandOff handOff = new SendHandOff("test");
        try {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Integer> ran = new CopyOnWriteArrayList<>();
            // the first send blocks, as a producer waiting max.block.ms for a topic's metadata does
            assertTrue(handOff.offer(() -> {
                blocked.countDown();
                await(release);
            }));
            assertTrue(blocked.await(5, TimeUnit.SECONDS));
            assertTrue(handOff.busy(), "sends wait: other threads must queue behind them");
            for (int i = 0; i < SendHandOff.CAPACITY; i++) {
                int seq = i;
                assertTrue(handOff.offer(() -> ran.add(seq)), "send " + i + " of " + SendHandOff.CAPACITY);
            }
            assertFalse(handOff.offer(() -> ran.add(-1)), "one more than the capacity is refused");
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (handOff.busy() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(handOff.busy());
            assertEquals(SendHandOff.CAPACITY, ran.size());
            for (int i = 0; i < ran.size(); i++) {
                assertEquals(i, ran.get(i), "order of the sends");
            }
        } finally {
            handOff.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
