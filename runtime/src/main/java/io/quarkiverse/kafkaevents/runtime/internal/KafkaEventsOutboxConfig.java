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
     * How an instance shows the others that it is alive, so that the rows it claimed are left to it.
     * <p>
     * {@code session} (the default): each instance holds a session-level advisory lock ({@code pg_advisory_lock})
     * on one pooled connection of its own for as long as it runs. When the instance dies, its database session ends,
     * PostgreSQL drops the lock, and the rows it had claimed are free to the other instances at once rather than when
     * their {@code lease} ends. This needs a real database session per connection: a direct connection, or a pooler in
     * session mode. Start-up fails, naming this setting, when the outbox's connections are seen to change database
     * session between transactions (a pooler in transaction mode; not every such pooler is caught).
     * <p>
     * {@code none}: no pinned connection and no session lock; a row claimed by an instance that died is free only when
     * its {@code lease} ends. Use it behind PgBouncer (or another pooler) in transaction pooling mode, where a
     * session-level lock stays on whichever server connection took it and says nothing about the instance: a dead
     * instance's rows would wait for their lease anyway, and a lock released by the pooler's reset of that server
     * connection would make a live instance's rows look abandoned (sent a second time, out of their key's order). The
     * trade-off: after a crash, the rows the instance had claimed (those it was sending) wait up to {@code lease}
     * before another instance sends them. The transaction-scoped advisory locks of the outbox work with either mode.
     */
    @WithDefault("session")
    OwnerLock ownerLock();

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

    enum OwnerLock {
        /** A session-level advisory lock per instance: a dead instance's rows are free at once. */
        SESSION,
        /** The lease only: a dead instance's rows are free when their lease ends (transaction-mode poolers). */
        NONE
    }

    enum SchemaAction {
        /** Create the table when missing. */
        CREATE,
        /** Fail start-up when the table or a column is missing. */
        VALIDATE,
        /** Leave the table alone. */
        NONE
    }
}
