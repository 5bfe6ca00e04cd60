package io.quarkiverse.kafkaevents.runtime.internal.failure;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.smallrye.mutiny.Uni;

/**
 * Writes a record a failure leads to (dead-letter or retry record) until the broker takes it. Meanwhile the failed
 * record stays at the head of its partition, unacknowledged, so its offset is never committed past it and nothing is
 * lost; only its partition waits, and the health checks report it. The write is given up only when the partition is
 * revoked or the application stops: the record is then delivered again to its next owner.
 */
public final class PersistentWrites {

    private static final Logger LOG = Logger.getLogger(PersistentWrites.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    /** The write was given up: the record stays unacknowledged. */
    static final class Abandoned extends RuntimeException {
        Abandoned(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** Whether the failure is a write given up (partition revoked, application stopping): an expected outcome. */
    public static boolean abandoned(Throwable failure) {
        return failure instanceof Abandoned;
    }

    private final Duration maxBackoff;

    PersistentWrites(Duration maxBackoff) {
        this.maxBackoff = maxBackoff.compareTo(FIRST_BACKOFF) < 0 ? FIRST_BACKOFF : maxBackoff;
    }

    /**
     * Completes once the broker acknowledged the write; fails with {@link Abandoned} when {@code giveUp} says so
     * between two tries.
     */
    Uni<Void> write(HandlerChannel channel, PolledRecord record, String topic,
            Supplier<Uni<Void>> write, BooleanSupplier giveUp) {
        return Uni.createFrom().<Void> deferred(write::get)
                .onFailure().recoverWithUni(failure -> again(channel, record, topic, write, giveUp, failure, 1));
    }

    private Uni<Void> again(HandlerChannel channel, PolledRecord record, String topic,
            Supplier<Uni<Void>> write, BooleanSupplier giveUp, Throwable failure, int tries) {
        record.progress().writeFailing(record.offset(), topic, failure);
        String coordinates = record.toString();
        if (giveUp.getAsBoolean()) {
            LOG.warnf("Gave up writing record %s to topic %s after %d refusal(s) (partition revoked or application"
                    + " stopping); it stays unacknowledged and will be delivered again", coordinates, topic, tries);
            return Uni.createFrom().failure(new Abandoned("write to " + topic + " given up", failure));
        }
        Duration backoff = backoff(tries);
        if (Integer.bitCount(tries) == 1) {
            // tries 1, 2, 4, 8, ...: a refusal that lasts is logged ever more rarely
            LOG.errorf(failure, "Could not write record %s (group %s) to topic %s (refusal %d); its partition waits"
                    + " and the write is tried again in %d ms", coordinates, channel.group, topic, tries,
                    backoff.toMillis());
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(backoff)
                .chain(() -> Uni.createFrom().<Void> deferred(write::get))
                .onFailure(f -> !(f instanceof Abandoned))
                .recoverWithUni(next -> again(channel, record, topic, write, giveUp, next, tries + 1));
    }

    Duration backoff(int tries) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(tries - 1, 20);
        return millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
}
