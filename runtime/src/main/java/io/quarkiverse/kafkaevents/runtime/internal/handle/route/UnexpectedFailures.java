package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.failure.FailureOutcome;
import io.quarkiverse.kafkaevents.runtime.internal.failure.PersistentWrites;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionProgress;
import io.quarkiverse.kafkaevents.runtime.internal.observability.Mdc;
import io.smallrye.mutiny.Uni;

/**
 * What becomes of a record when routing or handling it fails in a way the pipeline does not expect (an
 * {@link Error} from an application's {@code EventMonitor}, say, or a defect of the extension): never a record left
 * unfinished in silence, which would freeze its partition's committed offset while the records after it are handled.
 * <ol>
 * <li>The failure is logged at ERROR, with the event's MDC.</li>
 * <li>The record is dead-lettered with the failure as its reason ({@link FailureOutcome#poison}), like a record that
 * cannot be handled, and so finished: its partition's offset moves on. Without a dead-letter topic the record is
 * skipped, as the poison path does.</li>
 * <li>When that fails too, the record stays unfinished and its partition is reported as stalled, naming the record
 * ({@link PartitionProgress.Slot#stuck}): liveness turns DOWN, a restart delivers the record again.</li>
 * </ol>
 * A revoked partition (or a stopping application) and a write given up for that reason are expected: the record is
 * left to the partition's next owner, as everywhere else.
 */
public final class UnexpectedFailures {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailures.class);

    private final FailureOutcome failures;

    public UnexpectedFailures(FailureOutcome failures) {
        this.failures = failures;
    }

    /**
     * Decides for a record whose routing or handling failed unexpectedly; returns {@link PartitionLanes#DONE} or the
     * decision's work (a {@code Uni} that never fails).
     */
    public Uni<Void> decide(HandlerChannel handlers, PolledRecord record, Throwable failure, BooleanSupplier revoked) {
        if (PersistentWrites.abandoned(failure) || revoked.getAsBoolean() || !record.pending()) {
            return PartitionLanes.DONE;
        }
        Object[] saved = push(record);
        try {
            LOG.errorf(failure, "Kafka Events failed unexpectedly while handling record %s (group %s); it is"
                    + " dead-lettered with this failure as its reason", record, handlers.group);
        } finally {
            Mdc.restore(saved);
        }
        Uni<Void> outcome;
        try {
            outcome = failures.poison(handlers, record, origin(handlers, record), header(record, "ce_id"),
                    header(record, "ce_type"), "unexpected failure while handling the record: " + failure, failure,
                    revoked);
        } catch (Throwable again) {
            stuck(handlers, record, again);
            return PartitionLanes.DONE;
        }
        return outcome.onFailure().recoverWithItem(again -> {
            if (!PersistentWrites.abandoned(again)) {
                stuck(handlers, record, again);
            }
            return null;
        });
    }

    /** {@link #decide} for each record of a run still pending, one after the other. */
    public Uni<Void> decideAll(HandlerChannel handlers, List<PolledRecord> records, Throwable failure,
            BooleanSupplier revoked) {
        Uni<Void> all = PartitionLanes.DONE;
        for (PolledRecord record : records) {
            if (all == PartitionLanes.DONE) {
                all = decide(handlers, record, failure, revoked);
            } else {
                all = all.chain(() -> {
                    Uni<Void> next = decide(handlers, record, failure, revoked);
                    return next == PartitionLanes.DONE ? Uni.createFrom().voidItem() : next;
                });
            }
        }
        return all;
    }

    /** No decision could be taken: the record stays unfinished, and liveness names it. */
    private static void stuck(HandlerChannel handlers, PolledRecord record, Throwable failure) {
        record.progress().stuck(record.offset(), "unexpected failure, not finished: " + failure
                + "; the partition's offset is not committed past it until a restart or rebalance");
        Object[] saved = push(record);
        try {
            LOG.errorf(failure, "Kafka Events could not dead-letter record %s (group %s) after an unexpected failure;"
                    + " it stays unfinished: the partition's committed offset stays before it and liveness reports"
                    + " the partition as stalled until it is delivered again (restart or rebalance)", record,
                    handlers.group);
        } finally {
            Mdc.restore(saved);
        }
    }

    private static RecordOrigin origin(HandlerChannel handlers, PolledRecord record) {
        if (handlers.retry) {
            try {
                return RetryTopics.read(record.headers()).origin();
            } catch (RuntimeException e) {
                // the retry headers are what failed: the record's own coordinates
            }
        }
        return RecordOrigin.of(record);
    }

    private static Object[] push(PolledRecord record) {
        return Mdc.push(header(record, "ce_id"), header(record, "ce_type"), record.topic(), record.partition(),
                record.offset());
    }

    private static String header(PolledRecord record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }
}
