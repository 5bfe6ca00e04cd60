package io.quarkiverse.kafkaevents.runtime.internal.handle.lane;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;

/**
 * What the record at the head of each lane of a channel's partitions (one lane per partition, more with ordering by
 * key) is doing, and since when: the basis of the liveness check. A partition whose head record is being handled, or
 * whose dead-letter or retry record keeps being refused, for longer than a bound is stalled; a record waiting for its
 * retry backoff is not, however long the backoff.
 * <p>
 * A lane runs one record at a time, so each lane has one {@link Slot}, looked up once per partition and poll (per
 * record with ordering by key) and written by its records: nothing is added to or removed from a shared map per record.
 */
public final class PartitionProgress {

    enum State {
        /** A handler call is running. */
        HANDLING,
        /** The record waits for its retry backoff (or for its retry record to be due). */
        WAITING,
        /** The broker refused the record's dead-letter or retry record; the write is being tried again. */
        WRITE_FAILING,
        /**
         * An unexpected failure left the record unfinished, and no decision (dead letter) could be taken for it: the
         * partition's committed offset cannot pass it until the partition is revoked or the application restarts.
         */
        STUCK
    }

    /**
     * The head record of a lane: its offset, what it is doing, since when, and about what (the handler's label while
     * handling, so that nothing is built per record).
     */
    record Activity(long offset, State state, long sinceMillis, String detail) {
    }

    /** A lane of a partition. */
    private record Lane(TopicPartition partition, int index) {
    }

    /** What the record at the head of one lane is doing; {@code null} while the lane has no record in progress. */
    public static final class Slot {
        private final TopicPartition partition;
        private volatile Activity activity;
        /** The first record of the lane left unfinished by an unexpected failure, until the partition is revoked. */
        private volatile Activity stuck;

        Slot(TopicPartition partition) {
            this.partition = partition;
        }

        public void handling(long offset, String handler) {
            activity = new Activity(offset, State.HANDLING, System.currentTimeMillis(), handler);
        }

        public void waiting(long offset, long untilMillis) {
            activity = new Activity(offset, State.WAITING, System.currentTimeMillis(),
                    "retry due at " + Instant.ofEpochMilli(untilMillis));
        }

        /** A refused write: keeps the time of the first refusal of this record. */
        public void writeFailing(long offset, String topic, Throwable failure) {
            String detail = "writing to " + topic + " failed: " + failure;
            Activity current = activity;
            long since = current != null && current.offset() == offset && current.state() == State.WRITE_FAILING
                    ? current.sinceMillis()
                    : System.currentTimeMillis();
            activity = new Activity(offset, State.WRITE_FAILING, since, detail);
        }

        /**
         * The record was left unfinished by an unexpected failure: reported as stalled (whatever the bound) until its
         * partition is revoked; the first such record of the lane is kept.
         */
        public void stuck(long offset, String detail) {
            if (stuck == null) {
                stuck = new Activity(offset, State.STUCK, System.currentTimeMillis(), detail);
            }
        }

        /** The records from {@code first} to {@code last} are finished with (or dropped). */
        public void done(long first, long last) {
            Activity current = activity;
            if (current != null && current.offset() >= first && current.offset() <= last) {
                activity = null;
            }
        }
    }

    private final Map<Lane, Slot> slots = new ConcurrentHashMap<>();

    /** The slot of a lane of the partition. */
    public Slot slot(TopicPartition partition, int lane) {
        Lane key = new Lane(partition, lane);
        Slot slot = slots.get(key);
        return slot != null ? slot : slots.computeIfAbsent(key, k -> new Slot(partition));
    }

    /** The partitions were revoked (all of them when {@code null}): records left stuck on them are no longer ours. */
    public void revoked(java.util.Collection<TopicPartition> partitions) {
        for (Slot slot : slots.values()) {
            if (partitions == null || partitions.contains(slot.partition)) {
                slot.stuck = null;
            }
        }
    }

    /** The number of handler calls running. */
    public int handling() {
        int running = 0;
        for (Slot slot : slots.values()) {
            Activity activity = slot.activity;
            if (activity != null && activity.state() == State.HANDLING) {
                running++;
            }
        }
        return running;
    }

    /** The number of handler calls running on records of these partitions. */
    public int handling(java.util.Collection<TopicPartition> partitions) {
        int running = 0;
        for (Slot slot : slots.values()) {
            Activity activity = slot.activity;
            if (activity != null && activity.state() == State.HANDLING && partitions.contains(slot.partition)) {
                running++;
            }
        }
        return running;
    }

    /** Partitions whose write is failing right now, described. */
    public List<String> failingWrites() {
        long now = System.currentTimeMillis();
        List<String> failing = new ArrayList<>();
        for (Slot slot : slots.values()) {
            Activity activity = slot.activity;
            if (activity != null && activity.state() == State.WRITE_FAILING) {
                failing.add(describe(slot.partition, activity, now));
            }
        }
        return failing;
    }

    /** Partitions without progress for longer than {@code bound}, described. */
    public List<String> stalled(Duration bound) {
        long now = System.currentTimeMillis();
        List<String> stalled = new ArrayList<>();
        for (Slot slot : slots.values()) {
            Activity stuck = slot.stuck;
            if (stuck != null) {
                // never moves on by itself: reported at once
                stalled.add(describe(slot.partition, stuck, now));
                continue;
            }
            Activity activity = slot.activity;
            if (activity != null && activity.state() != State.WAITING
                    && now - activity.sinceMillis() > bound.toMillis()) {
                stalled.add(describe(slot.partition, activity, now));
            }
        }
        return stalled;
    }

    private static String describe(TopicPartition partition, Activity activity, long now) {
        String detail = activity.state() == State.HANDLING ? "handler " + activity.detail() : activity.detail();
        return "record " + partition + "@" + activity.offset() + ": " + detail + " (for "
                + Duration.ofMillis(now - activity.sinceMillis()).toSeconds() + " s)";
    }
}
