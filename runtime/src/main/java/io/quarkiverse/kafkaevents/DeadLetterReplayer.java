package io.quarkiverse.kafkaevents;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * Re-publishes dead-lettered records to the topic they came from, once the cause of their failure is fixed. The
 * replayed record has the original key, value and headers (so the CloudEvents {@code id} is unchanged), without the
 * dead-letter headers; handlers see it as a new delivery.
 */
public interface DeadLetterReplayer {

    /**
     * Replays the records of {@code topic}'s dead-letter topic written in {@code [from, to)}, at most {@code max} of
     * them, oldest first per partition.
     *
     * @param topic the source topic, for example {@code prod.sales.public.orders}
     * @return the number of records replayed, once the broker acknowledged all of them
     */
    Uni<Integer> replay(String topic, Instant from, Instant to, int max);
}
