package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.time.Duration;

/**
 * The start gate of the handlers' intake: a poll's records are queued only while the gate is open, and closing it
 * waits for the dispatches already inside. A dispatch and the shutdown's drain thus see each other in one order: either
 * the dispatch entered first (it has read its partitions' generation and queued its records by the time the drain
 * revokes every partition, so the drain drops them or waits for the calls they started) or the gate was closed first
 * (the dispatch queues nothing). Without it, a dispatch could pass the stopping check, the drain revoke and count the
 * running calls, and the dispatch then read the new generation: its records would be handled after the drain and the
 * final commit, handled but never committed.
 */
public final class IntakeGate {

    private int inside;
    private boolean closed;

    /** Enters the gate: {@code true} while it is open (then call {@link #exit()} once done), {@code false} once closed. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        inside++;
        return true;
    }

    /** Leaves the gate after a successful {@link #enter()}. */
    synchronized void exit() {
        if (--inside == 0) {
            notifyAll();
        }
    }

    /**
     * Closes the gate (no dispatch enters any more) and waits up to {@code timeout} for the dispatches inside to
     * leave. Returns how many are still inside (0 when all left).
     */
    synchronized int close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inside > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return inside;
    }

    /** Whether the gate was closed (the application is stopping). */
    synchronized boolean closed() {
        return closed;
    }
}
