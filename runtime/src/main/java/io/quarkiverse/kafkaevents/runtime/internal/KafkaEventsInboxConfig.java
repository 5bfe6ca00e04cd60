package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;

import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * The database inbox ({@code quarkus.kafka-events.inbox.*}): handlers that record each event they handled, in the
 * transaction of their own writes, and skip it when it comes again.
 */
@ConfigGroup
public interface KafkaEventsInboxConfig {

    /**
     * Whether every blocking handler of one event goes through the inbox, unless its annotation or
     * {@code quarkus.kafka-events.handlers."<class>#<method>".inbox} says otherwise. When on, the application must have
     * no non-blocking or batch handler that says nothing (start-up fails naming them): turn it off for those with
     * {@code quarkus.kafka-events.handlers."<class>#<method>".inbox=false}.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * The inbox table ({@code [schema.]name}). It lives on the outbox's datasource
     * ({@code quarkus.kafka-events.outbox.datasource}, the default datasource when not set), which must be the one the
     * handlers write to: the claim and the handler's writes commit in one transaction.
     */
    @WithDefault("kafka_events_inbox")
    String table();

    /**
     * What is done with the table at start-up when a handler uses the inbox: {@code create} (when missing, with the DDL
     * shipped in the jar at {@code META-INF/kafka-events/inbox-postgresql.sql}), {@code validate} (fail start-up, naming
     * the table and the DDL, when it or a column is missing) or {@code none}. Defaults to {@code create} in the dev and
     * test profiles.
     */
    @WithDefault("validate")
    KafkaEventsOutboxConfig.SchemaAction schema();

    /**
     * How long a handled event is remembered: a copy that arrives later is handled again. Choose it longer than the
     * longest redelivery you expect: a replay of dead letters, a consumer group's downtime followed by a reset of its
     * offsets, an outbox row sent again after its {@code lease}.
     */
    @WithDefault("7d")
    Duration retention();

    /**
     * How often entries older than {@code retention} are deleted, by every instance that uses the inbox.
     */
    @WithDefault("1m")
    Duration cleanupInterval();

    /**
     * How many entries one delete statement removes at most (each in a short transaction of its own, so the deletion
     * never holds many row locks for long); a round goes on until fewer are left.
     */
    @WithDefault("1000")
    int cleanupBatchSize();
}
