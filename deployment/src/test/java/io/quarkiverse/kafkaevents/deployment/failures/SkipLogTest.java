package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.runtime.internal.handle.route.SkipLog;

/**
 * The rate limit of skip log lines: one line per key per interval, and the next line counts the skips in between.
 */
public class SkipLogTest {

    @Test
    void oneLinePerKeyPerIntervalWithTheCountOfSilentSkips() {
        SkipLog log = new SkipLog(Duration.ofMinutes(1));
        long t0 = 1_000_000;
        assertEquals(0, log.admit("plain|orders-0", t0));
        assertEquals(-1, log.admit("plain|orders-0", t0 + 10));
        assertEquals(-1, log.admit("plain|orders-0", t0 + 59_999));
        // another partition has its own window
        assertEquals(0, log.admit("plain|orders-1", t0 + 20));
        // a minute later: logged again, with the two skipped silently
        assertEquals(2, log.admit("plain|orders-0", t0 + 60_000));
        assertEquals(-1, log.admit("plain|orders-0", t0 + 60_001));
        assertEquals(1, log.admit("plain|orders-0", t0 + 120_000));
    }
}
