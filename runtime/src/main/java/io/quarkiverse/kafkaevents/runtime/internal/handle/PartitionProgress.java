package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;

/**
 * What the record at the head of each partition (of each key lane, with ordering by key) of a channel is doing, and
 * since when: the basis of the liveness
 * check. A partition whose head record is being handled, or whose dead-letter or retry record keeps being refused, for
 * longer than a bound is stalled; a record waiting for its retry backoff is not, however long the backoff.
 */
public final class PartitionProgress {

    enum State {
        /** A handler call is running. */
        HANDLING,
        /** The record waits for its retry backoff (or for its retry record to be due). */
        WAITING,
        /** The broker refused the record's dead-letter or retry record; the write is being tried again. */
        WRITE_FAILING
    }

    /**
     * The head record of a partition: its offset, what it is doing, since when, and about what (the handler's label
     * while handling, so that nothing is built per record).
     */
    record Activity(long offset, State state, long sinceMillis, String detail) {
    }

    /** A record in progress: with ordering by key, several records of a partition are. */
    private record Head(TopicPartition partition, long offset) {
    }

    private final Map<Head, Activity> heads = new ConcurrentHashMap<>();

    void handling(TopicPartition partition, long offset, String handler) {
        heads.put(new Head(partition, offset),
                new Activity(offset, State.HANDLING, System.currentTimeMillis(), handler));
    }

    public void waiting(TopicPartition partition, long offset, long untilMillis) {
        heads.put(new Head(partition, offset), new Activity(offset, State.WAITING, System.currentTimeMillis(),
                "retry due at " + java.time.Instant.ofEpochMilli(untilMillis)));
    }

    /** A refused write: keeps the time of the first refusal of this record. */
    public void writeFailing(TopicPartition partition, long offset, String topic, Throwable failure) {
        String detail = "writing to " + topic + " failed: " + failure;
        heads.compute(new Head(partition, offset), (p, current) -> current != null
                && current.state() == State.WRITE_FAILING
                        ? new Activity(offset, State.WRITE_FAILING, current.sinceMillis(), detail)
                        : new Activity(offset, State.WRITE_FAILING, System.currentTimeMillis(), detail));
    }

    /** The record at this offset is finished with (or dropped). */
    void done(TopicPartition partition, long offset) {
        heads.remove(new Head(partition, offset));
    }

    /** The records at these offsets (a partition's run of records handled as one task) are finished with. */
    void done(TopicPartition partition, long first, long last) {
        if (first == last) {
            done(partition, first);
        } else if (!heads.isEmpty()) {
            heads.keySet().removeIf(head -> head.partition().equals(partition) && head.offset() >= first
                    && head.offset() <= last);
        }
    }

    void forget(TopicPartition partition) {
        heads.keySet().removeIf(head -> head.partition().equals(partition));
    }

    /** The number of handler calls running. */
    int handling() {
        int running = 0;
        for (Activity activity : heads.values()) {
            if (activity.state() == State.HANDLING) {
                running++;
            }
        }
        return running;
    }

    /** Partitions whose write is failing right now, described. */
    List<String> failingWrites() {
        List<String> failing = new ArrayList<>();
        heads.forEach((head, activity) -> {
            if (activity.state() == State.WRITE_FAILING) {
                failing.add(describe(head.partition(), activity, System.currentTimeMillis()));
            }
        });
        return failing;
    }

    /** Partitions without progress for longer than {@code bound}, described. */
    List<String> stalled(Duration bound) {
        long now = System.currentTimeMillis();
        List<String> stalled = new ArrayList<>();
        heads.forEach((head, activity) -> {
            if (activity.state() != State.WAITING && now - activity.sinceMillis() > bound.toMillis()) {
                stalled.add(describe(head.partition(), activity, now));
            }
        });
        return stalled;
    }

    private static String describe(TopicPartition partition, Activity activity, long now) {
        String detail = activity.state() == State.HANDLING ? "handler " + activity.detail() : activity.detail();
        return "record " + partition + "@" + activity.offset() + ": " + detail + " (for "
                + Duration.ofMillis(now - activity.sinceMillis()).toSeconds() + " s)";
    }
}
