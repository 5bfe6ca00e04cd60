package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * Kafka transactions of handlers ({@code @EventHandler(kafkaTransaction = true)}): the events a handler publishes and
 * the offset of the record it handled commit together.
 */
public interface KafkaEventsTransactionsConfig {

    /**
     * Whether every handler that says nothing (no {@code kafkaTransaction} attribute set to {@code true}, no
     * {@code handlers."<handler>".kafka-transaction}) runs in a Kafka transaction.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * How long a transaction stays open at most before it commits: the records a consumer's partitions finished in
     * that time, their outputs and their offsets commit in one transaction. Shorter means fresher results for
     * {@code read_committed} readers, longer means fewer transactions (each costs a round trip to the transaction
     * coordinator, not a cost per record).
     */
    @WithDefault("100ms")
    Duration commitInterval();

    /** How many records a transaction holds at most: reaching it commits the transaction at once. */
    @WithDefault("1000")
    int maxRecords();

    /**
     * The producers' {@code transaction.timeout.ms}: how long the broker lets a transaction stay open before it aborts
     * it. It bounds how long {@code read_committed} readers wait behind a transaction of an instance that died
     * without a {@code quarkus.kafka-events.instance-id} (with one, its restart aborts it at once).
     */
    @WithDefault("10s")
    Duration timeout();

    /**
     * The first part of the producers' {@code transactional.id}s, followed by the instance and the channel: defaults to
     * {@code kafka-events.<environment>.<quarkus.application.name>}. The instance is
     * {@code quarkus.kafka-events.instance-id} when set (a restarted instance then fences its predecessor and aborts its
     * open transaction at once), else a random id per process. Two live processes must never share an instance id.
     */
    Optional<String> idPrefix();
}
