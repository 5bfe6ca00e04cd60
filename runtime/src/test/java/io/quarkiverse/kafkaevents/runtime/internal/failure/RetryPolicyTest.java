package io.quarkiverse.kafkaevents.runtime.internal.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The wait between attempts: {@code initial-backoff} times {@code multiplier} per attempt, never more than
 * {@code max-backoff}, jitter included ({@code max-backoff} is documented as the longest wait between two attempts).
 */
class RetryPolicyTest {

    @Test
    void waitsGrowByTheMultiplierUpToMaxBackoff() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), 10.0, Duration.ofMillis(250), 0, List.of(),
                List.of());
        assertEquals(Duration.ofMillis(100), policy.backoff(1));
        assertEquals(Duration.ofMillis(250), policy.backoff(2));
        assertEquals(Duration.ofMillis(250), policy.backoff(5));
        // far past the point where the multiplied wait overflows a long: still the cap
        assertEquals(Duration.ofMillis(250), policy.backoff(400));
    }

    @Test
    void jitterNeverTakesAWaitPastMaxBackoff() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), 10.0, Duration.ofMillis(250), 0.5, List.of(),
                List.of());
        long shortestAtCap = Long.MAX_VALUE;
        for (int i = 0; i < 2000; i++) {
            long first = policy.backoff(1).toMillis();
            assertTrue(first >= 50 && first <= 150, "first wait " + first + " ms, expected 100 ms +/- 50%");
            long capped = policy.backoff(3).toMillis();
            assertTrue(capped <= 250, "wait " + capped + " ms past max-backoff (250 ms)");
            shortestAtCap = Math.min(shortestAtCap, capped);
        }
        // at the cap the waits still vary (downwards), so failing consumers do not retry in lockstep
        assertTrue(shortestAtCap < 200, "shortest wait at the cap " + shortestAtCap + " ms");
    }
}
