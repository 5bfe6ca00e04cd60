package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

/**
 * The records of one partition received and not finished yet, in offset order, and the offset that may be committed:
 * the first record not finished, or after the last record received when all are. Records finish in any order (ordering
 * by key runs several at once); the committable offset never passes one that is not finished, so a crash, revocation
 * or shutdown leaves it for the next owner. Also knows the timestamp of the oldest record not finished (the lag
 * metric).
 * <p>
 * A ring of (offset, timestamp, finished) entries: receiving appends, finishing marks an entry (usually the first,
 * found at once; else by binary search: offsets only grow) and drops the finished entries at the front. Thread-safe
 * (records are received on the consumer's thread and finished on handler threads).
 */
public final class PartitionOffsets {

    private long[] offsets = new long[64];
    private long[] timestamps = new long[64];
    private boolean[] finished = new boolean[64];
    private int head;
    private int size;
    /** The offset after the last record received, or -1 before the first one. */
    private long next = -1;
    /** The offset committed last (or being committed), or -1. */
    private long committed = -1;
    /** The offset the broker confirmed committed last, or -1. */
    private long confirmed = -1;
    /** The first offset received since the tracking (re)started, or -1. */
    private long first = -1;

    /**
     * A record was received. An offset not after the last one received (the consumer was moved back: a new
     * assignment, a seek) starts the tracking anew: the records before it that are not finished are received again.
     */
    public synchronized void received(long offset, long timestamp) {
        if (offset < next) {
            head = 0;
            size = 0;
            committed = -1;
            confirmed = -1;
            first = -1;
        }
        if (first < 0) {
            first = offset;
        }
        if (size == offsets.length) {
            grow();
        }
        int at = (head + size) % offsets.length;
        offsets[at] = offset;
        timestamps[at] = timestamp;
        finished[at] = false;
        size++;
        next = offset + 1;
    }

    /** The record was handled, skipped or dead-lettered: the committable offset may move past it. */
    public synchronized void finished(long offset) {
        int index = indexOf(offset);
        if (index < 0) {
            return; // tracked anew since (the consumer was moved back): the record is received again
        }
        finished[(head + index) % offsets.length] = true;
        while (size > 0 && finished[head]) {
            head = (head + 1) % offsets.length;
            size--;
        }
    }

    /** The offset to commit when it moved since the last commit, else -1. Remembers it as committed. */
    synchronized long toCommit() {
        long offset = size > 0 ? offsets[head] : next;
        if (offset <= committed) {
            return -1;
        }
        committed = offset;
        return offset;
    }

    /** A commit failed: the next {@link #toCommit()} offers the offset again. */
    synchronized void commitFailed(long offset) {
        if (committed == offset) {
            committed = -1;
        }
    }

    /** The broker confirmed a commit of this offset. */
    synchronized void commitConfirmed(long offset) {
        if (offset > confirmed) {
            confirmed = offset;
        }
    }

    /**
     * The offset from which this partition's records will be delivered again to its next owner: the offset the broker
     * confirmed last (the first offset received when none was), or -1 when every record received was finished and
     * that commit confirmed.
     */
    synchronized long redeliveredFrom() {
        long from = confirmed >= 0 ? confirmed : first;
        return from >= 0 && from < next ? from : -1;
    }

    /** The timestamp of the oldest record not finished, or -1 when all are. */
    public synchronized long oldestTimestamp() {
        return size > 0 ? timestamps[head] : -1;
    }

    /** Whether the record was received and is not finished yet. */
    public synchronized boolean pending(long offset) {
        int index = indexOf(offset);
        return index >= 0 && !finished[(head + index) % offsets.length];
    }

    /** Records received and not finished. */
    public synchronized int unfinished() {
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (!finished[(head + i) % offsets.length]) {
                count++;
            }
        }
        return count;
    }

    /** The position of the offset from the head, or -1. */
    private int indexOf(long offset) {
        if (size == 0) {
            return -1;
        }
        if (offsets[head] == offset) {
            return 0;
        }
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long candidate = offsets[(head + middle) % offsets.length];
            if (candidate < offset) {
                low = middle + 1;
            } else if (candidate > offset) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -1;
    }

    private void grow() {
        int length = offsets.length;
        long[] newOffsets = new long[length * 2];
        long[] newTimestamps = new long[length * 2];
        boolean[] newFinished = new boolean[length * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) % length;
            newOffsets[i] = offsets[from];
            newTimestamps[i] = timestamps[from];
            newFinished[i] = finished[from];
        }
        offsets = newOffsets;
        timestamps = newTimestamps;
        finished = newFinished;
        head = 0;
    }
}
