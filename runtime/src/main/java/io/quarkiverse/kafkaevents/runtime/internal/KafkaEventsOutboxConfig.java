package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * The transactional outbox ({@code quarkus.kafka-events.delivery=outbox}): {@code quarkus.kafka-events.outbox.*}.
 */
@ConfigGroup
public interface KafkaEventsOutboxConfig {

    /**
     * The datasource of the outbox table: the default datasource when not set. Events are written with the
     * connection of the caller's transaction, so it must be the datasource the business change is written to.
     */
    Optional<String> datasource();

    /**
     * The outbox table ({@code [schema.]name}).
     */
    @WithDefault("kafka_events_outbox")
    String table();

    /**
     * What is done with the table at start-up: {@code create} (when missing, with the DDL shipped in the jar at
     * {@code META-INF/kafka-events/outbox-postgresql.sql}), {@code validate} (fail start-up, naming the table and
     * the DDL, when it or a column is missing) or {@code none}. Defaults to {@code create} in the dev and test
     * profiles.
     */
    @WithDefault("validate")
    SchemaAction schema();

    /**
     * How often the relay looks for rows nobody sent (after a crash, or while the broker was down).
     */
    @WithDefault("1s")
    Duration relayInterval();

    /**
     * How many rows the relay claims at a time.
     */
    @WithDefault("100")
    int relayBatchSize();

    /**
     * How long a claimed row stays reserved for the instance sending it; after that another instance may send it
     * (at-least-once: consumers deduplicate on the CloudEvents id). Keep it longer than the publisher's
     * {@code delivery.timeout.ms} (2 minutes by default): a send still waiting in the producer when the lease ends
     * (the broker is down) would otherwise be sent twice. Start-up warns when it is not.
     */
    @WithDefault("3m")
    Duration lease();

    /**
     * Whether rows are sent right after their transaction commits. When off, only the relay sends them (for tests
     * of the relay, and diagnosis).
     */
    @WithDefault("true")
    boolean fastPath();

    /**
     * The wellness check {@code kafka-events-outbox} ({@code /q/health/well}) is DOWN when the oldest pending row is
     * older than this. Not readiness: the table is shared by every instance, whose readiness would all go DOWN together.
     */
    @WithDefault("1m")
    Duration lagThreshold();

    enum SchemaAction {
        /** Create the table when missing. */
        CREATE,
        /** Fail start-up when the table or a column is missing. */
        VALIDATE,
        /** Leave the table alone. */
        NONE
    }
}
