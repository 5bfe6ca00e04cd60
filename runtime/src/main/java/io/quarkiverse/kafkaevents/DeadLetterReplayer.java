package io.quarkiverse.kafkaevents;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * Re-publishes dead-lettered records to the topic they came from, once the cause of their failure is fixed. The
 * replayed record has the original key, value and headers (so the CloudEvents {@code id} is unchanged), without the
 * dead-letter headers, plus headers marking the replay: {@code kafka-events-replay-time} (when),
 * {@code kafka-events-replay-source} (the dead-letter record it was read from) and {@code kafka-events-replay-group}
 * (the consumer group it is meant for). Only that group handles it, as a new delivery
 * ({@link EventContext#replayed()} is {@code true}); every other group consuming the topic handled the record when it
 * first came, and skips the replay.
 */
public interface DeadLetterReplayer {

    /**
     * Replays the records of {@code topic}'s dead-letter topic written in {@code [from, to)}, at most {@code max} of
     * them, oldest first per partition, each to the consumer group that dead-lettered it.
     *
     * @param topic the source topic, for example {@code prod.sales.public.orders}
     * @return the number of records replayed, once the broker acknowledged all of them
     */
    Uni<Integer> replay(String topic, Instant from, Instant to, int max);

    /**
     * Replays, like {@link #replay(String, Instant, Instant, int)}, only the records consumer group {@code group}
     * dead-lettered: another service sharing the topic (and its dead-letter topic) replays its own.
     *
     * @param group a consumer group id, as in the dead-letter records' {@code kafka-events-dlt-group} header
     * @return the number of records replayed, once the broker acknowledged all of them
     */
    Uni<Integer> replay(String topic, String group, Instant from, Instant to, int max);
}
