package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the outbox's work in flight (a claim running, a send waiting for the broker's answer and its row's delete)
 * and closes at stop: work may start only while the gate is open, decided atomically with the stop's view of the
 * count, so no send starts after the stop finished waiting for the sends in flight (its row would be acknowledged
 * but never deleted, and sent again by the successor).
 */
final class SendGate {

    private int inFlight;
    private boolean closed;

    /** Counts one piece of work in; {@code false} (nothing counted) once the gate is closed. */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        inFlight++;
        return true;
    }

    /**
     * Counts one more piece of work in whether or not the gate is closed: only for work begun by a piece already
     * counted (the sends of rows a counted claim took), so that a stop waiting for it waits for them too.
     */
    synchronized void add() {
        inFlight++;
    }

    /** Counts one piece of work out. */
    synchronized void leave() {
        if (--inFlight == 0) {
            notifyAll();
        }
    }

    /** Whether the gate is closed (the outbox is stopping). */
    synchronized boolean closed() {
        return closed;
    }

    /**
     * Closes the gate, then waits (for at most {@code timeout}) until no work is in flight.
     *
     * @return the pieces of work still in flight at the end of the wait
     */
    synchronized int close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left; inFlight > 0 && (left = deadline - System.nanoTime()) > 0;) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return inFlight;
    }
}
