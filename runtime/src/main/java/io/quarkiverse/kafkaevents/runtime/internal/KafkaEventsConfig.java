package io.quarkiverse.kafkaevents.runtime.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigGroup;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Run-time configuration of Kafka Events for Quarkus. Everything here can be changed without rebuilding the
 * application.
 */
@ConfigMapping(prefix = "quarkus.kafka-events")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface KafkaEventsConfig {

    /**
     * The environment segment of topic names ({@code {environment}.{domain}.{scope}.{topic}[.{version}]}).
     * <p>
     * Defaults to the active configuration profile: {@code dev}, {@code test}, {@code prod}, or the name of any other
     * profile.
     */
    Optional<String> environment();

    /**
     * The domain segment of topic names for event types whose {@code @EventTopic} names none. Defaults to
     * {@code quarkus.application.name}.
     */
    Optional<String> domain();

    /**
     * How events are written: {@code binary} (CloudEvents attributes as {@code ce_*} headers, JSON payload),
     * {@code structured} (an {@code application/cloudevents+json} envelope) or {@code plain} (the JSON payload only).
     */
    @WithDefault("binary")
    EventFormat format();

    /**
     * When a published event is sent, for event types that set none.
     * <ul>
     * <li>{@code immediate}: at once; the {@code Uni} completes when the broker acknowledged it.</li>
     * <li>{@code after-commit}: inside a JTA transaction, held in memory and sent right after the transaction commits,
     * dropped when it rolls back; the {@code Uni} completes when the event is held, not when it is sent. Not durable: an
     * event held when the process dies is lost. Outside a transaction, sent at once. Needs a JTA transaction manager
     * ({@code quarkus-narayana-jta}).</li>
     * <li>{@code outbox}: written to the outbox table in the caller's transaction (durable), sent right after the
     * commit, and by a relay if that did not happen (crash, broker down); the {@code Uni} completes when the row is
     * written. Outside a transaction, the row is written in a transaction of its own. Needs a JDBC datasource on
     * PostgreSQL and {@code quarkus-narayana-jta}.</li>
     * </ul>
     */
    @WithDefault("immediate")
    Delivery delivery();

    enum Delivery {
        /** Sent at once. */
        IMMEDIATE,
        /** Held until the caller's JTA transaction commits, dropped on rollback. */
        AFTER_COMMIT,
        /** Written to the outbox table in the caller's transaction, sent after commit. */
        OUTBOX
    }

    /**
     * Whether each event is checked against its type's JSON Schema (generated from its class at build time, see
     * {@code target/kafka-events/schemas/}) before it is published:
     * <ul>
     * <li>{@code fail}: an event that does not match fails its publish at the call, before it is sent, held for the
     * commit or written to the outbox (so a transactional publish fails the caller's transaction), with a
     * {@code PublishException} naming the event type, the JSON path and the rule it breaks;</li>
     * <li>{@code warn}: the event is published, and a warning with the same detail is logged, at most once a minute per
     * event type;</li>
     * <li>{@code none}: no check, and no schema is loaded.</li>
     * </ul>
     * Event types can set their own ({@code quarkus.kafka-events.events."<type>".validation}).
     * <p>
     * Defaults to {@code fail} in the dev and test profiles and {@code none} in the others.
     */
    @WithDefault("none")
    Validation validation();

    /**
     * Whether handlers check each event they receive against its type's JSON Schema (the one this service builds from
     * its own class) before the event is decoded and the handler called:
     * <ul>
     * <li>{@code fail}: an event that does not match is not handled and goes to the dead-letter topic at once (a
     * permanent failure, never retried), with the event type, JSON path and rule in its
     * {@code kafka-events-dlt-reason} header, counted and logged like an undecodable record;</li>
     * <li>{@code warn}: the event is handled, and a warning with the same detail is logged, at most once a minute per
     * consumer group and event type;</li>
     * <li>{@code none}: no check, and no schema is loaded.</li>
     * </ul>
     * Handlers can set their own ({@code quarkus.kafka-events.handlers."<class>#<method>".validation}); when the
     * handlers of one consumer group and type disagree, the strictest applies to the record. Defaults to {@code none}
     * in every profile: the check costs a second parse of each event (see the contracts page).
     */
    @WithDefault("none")
    Validation handlerValidation();

    enum Validation {
        /** No check. */
        NONE,
        /** Log a warning (at most once a minute per event type) and publish. */
        WARN,
        /** Fail the publish. */
        FAIL
    }

    /**
     * The transactional outbox ({@code delivery=outbox}).
     */
    @ConfigDocSection
    KafkaEventsOutboxConfig outbox();

    /**
     * The database inbox: handlers that handle each event at most once per consumer group.
     */
    @ConfigDocSection
    KafkaEventsInboxConfig inbox();

    /**
     * Kafka transactions of handlers that publish (exactly-once on Kafka).
     */
    @ConfigDocSection
    KafkaEventsTransactionsConfig transactions();

    /**
     * The CloudEvents {@code source} attribute of published events. Defaults to {@code /} followed by
     * {@code quarkus.application.name}.
     */
    Optional<String> source();

    /**
     * The consumer group of {@code @EventHandler} methods that name none.
     * <p>
     * Defaults to the environment and the application name, {@code <environment>.<quarkus.application.name>} (for
     * example {@code dev.orders-service}, {@code prod.orders-service}): instances of one service in different
     * environments sharing a cluster never join one group, so they never rebalance each other.
     */
    Optional<String> groupId();

    /**
     * Whether records of a type that no handler of the consumer group takes are logged (at INFO, at most one line per
     * partition per minute, with the number skipped silently since). Off by default: on a topic shared by several
     * services such records are expected, and they are only counted (metric {@code kafka_events_handled_total} with
     * {@code outcome=skipped}) and logged at DEBUG. Plain JSON records whose type cannot be told (their topic carries
     * several types) are always logged, at WARN.
     */
    @WithDefault("false")
    boolean logUnhandledTypes();

    /**
     * A stable identity of this application instance, kept across restarts (the pod name of a StatefulSet, a host
     * name), that turns on static consumer group membership for the handlers' consumers: each gets
     * {@code group.instance.id=<instance-id>.<client id>}. A restarted instance then takes its partitions back at once,
     * instead of waiting for the broker to drop its former consumers after their session timeout (45 s by default);
     * while an instance is away, its partitions are not handed to others until that timeout. Two running instances
     * must never share an identity: the broker fences the older one. Not set by default (dynamic membership).
     */
    Optional<String> instanceId();

    /**
     * Where a consumer group that has no committed offset yet starts reading: {@code earliest} or {@code latest}.
     * <p>
     * Defaults to {@code earliest} in the dev and test profiles (so events published before the first partition
     * assignment are not missed) and {@code latest} in the others.
     */
    @WithDefault("latest")
    String autoOffsetReset();

    /**
     * The number of consumers of each handler channel, each with its own share of the partitions (more than the
     * topic's partition count leaves some idle). Records with the same key are always handled one at a time, in order.
     */
    @WithDefault("1")
    int concurrency();

    /**
     * How often the handlers' consumers commit the offsets of the records finished since their last commit. A commit
     * is sent only when a partition's offset moved, so an idle consumer costs the broker nothing. After a crash (a
     * {@code kill -9}, an out-of-memory kill) the records finished within the last interval, and those in flight, are
     * handled again by the partitions' next owner: a shorter interval means fewer records handled twice, at the cost
     * of one commit request per consumer and interval while records are handled. Revocations and shutdowns commit at
     * once, whatever the interval. A handler's own Kafka setting {@code auto.commit.interval.ms}
     * ({@code quarkus.kafka-events.handlers."<handler>".kafka."auto.commit.interval.ms"}, or {@code kafka.*} for all
     * channels) takes precedence for its channel.
     */
    @WithDefault("1s")
    Duration commitInterval();

    /**
     * Settings of one event type, keyed by its CloudEvents type (by default the simple class name, for example
     * {@code quarkus.kafka-events.events."OrderPlaced".topic=legacy-orders}).
     */
    @ConfigDocMapKey("event-type")
    @ConfigDocSection
    Map<String, EventTypeConfig> events();

    /**
     * Topic provisioning.
     */
    @ConfigDocSection
    TopicsConfig topics();

    /**
     * What happens when a handler fails or a record cannot be read.
     */
    @ConfigDocSection
    FailureConfig failure();

    /**
     * The {@code kafka-events} health checks (with {@code quarkus-smallrye-health}).
     */
    @ConfigDocSection
    HealthConfig health();

    @ConfigGroup
    interface HealthConfig {

        /**
         * How long a broker check result is reused: probes in between cost nothing.
         */
        @WithDefault("5s")
        Duration cacheFor();

        /**
         * How long a broker check may take before the broker is reported unreachable.
         */
        @WithDefault("3s")
        Duration timeout();

        /**
         * How long the record at the head of a partition may go without progress before the liveness check reports
         * the partition as stalled (DOWN), so that the platform restarts the instance: a handler call still running,
         * or a dead-letter or retry record the broker keeps refusing. A record waiting for its retry backoff is making
         * progress, however long the backoff.
         */
        @WithDefault("5m")
        Duration stalledAfter();
    }

    /**
     * Graceful shutdown of the handlers, and graceful hand-over of partitions in a rebalance.
     */
    @ConfigDocSection
    ShutdownConfig shutdown();

    @ConfigGroup
    interface ShutdownConfig {

        /**
         * The time budget of the extension's whole stop: handler calls already running finish within it, then the
         * offsets of what was handled are committed (every consumer at once) and, with the outbox, rows already sent
         * wait for the broker's answer (so that they are deleted rather than sent again by the next relay), all from
         * the same budget, so the stop never takes longer than this even with the broker gone. Keep it below the
         * platform's grace period (Kubernetes: 30 s). Records not started yet, records waiting for a retry, and
         * records whose commit did not get through are left for redelivery, and logged per partition.
         */
        @WithDefault("10s")
        Duration timeout();

        /**
         * How long, when a rebalance takes partitions away from this instance (another instance joins, say), handler
         * calls already running on them may take to finish before their offsets are committed, so that their new
         * owner does not handle those records again. Records not started yet, and records waiting for a retry, are
         * left to the new owner at once. The consumer's polling thread waits meanwhile (inside the rebalance, which
         * the group waits for): keep it well below {@code max.poll.interval.ms}. {@code 0} commits at once; a call
         * finishing later is then handled again by the new owner.
         */
        @WithDefault("5s")
        Duration revocationTimeout();
    }

    /**
     * Settings of one {@code @EventHandler} method, keyed by its class and method name (for example
     * {@code quarkus.kafka-events.handlers."com.acme.billing.PaymentHandler#onPaymentTaken".max-attempts=5}).
     * A key that names no handler method fails start-up.
     */
    @ConfigDocMapKey("handler")
    @ConfigDocSection
    Map<String, HandlerConfig> handlers();

    @ConfigGroup
    interface FailureConfig {

        /**
         * The retry policy.
         */
        RetryConfig retry();

        /**
         * Exception types (fully qualified class names, subclasses included) that are retried. When set, every other
         * exception goes straight to the dead-letter topic.
         */
        Optional<List<String>> retryable();

        /**
         * Exception types (fully qualified class names, subclasses included) that are never retried: they go straight
         * to the dead-letter topic.
         */
        Optional<List<String>> nonRetryable();

        /**
         * Dead-letter topics.
         */
        DeadLetterConfig deadLetter();

        /**
         * The longest wait between two tries of writing a dead-letter or retry record the broker refused. Such a write
         * is tried again (starting at 500 ms, doubling up to this value) until it succeeds, holding up the record's
         * partition only, so the record is never lost nor its offset committed before it is written; the partition is
         * reported by the health checks meanwhile.
         */
        @WithDefault("30s")
        Duration writeRetryMaxBackoff();
    }

    @ConfigGroup
    interface RetryConfig {

        /**
         * Attempts in all, the first one included; {@code 1} means no retry. With
         * {@code quarkus.kafka-events.failure.mode=retry-topics}, one retry topic is provisioned per retry.
         */
        @WithDefault("3")
        int maxAttempts();

        /**
         * Wait before the second attempt.
         */
        @WithDefault("1s")
        Duration initialBackoff();

        /**
         * Factor applied to the wait after each attempt.
         */
        @WithDefault("2.0")
        double multiplier();

        /**
         * Longest wait between two attempts, jitter included: at this cap, jitter only shortens the wait.
         */
        @WithDefault("30s")
        Duration maxBackoff();

        /**
         * Random variation of each wait, as a fraction of it ({@code 0.1} is plus or minus 10%), so that many failing
         * consumers do not retry in lockstep.
         */
        @WithDefault("0.1")
        double jitter();
    }

    @ConfigGroup
    interface DeadLetterConfig {

        /**
         * Whether failed and unreadable records are written to a dead-letter topic. When disabled they are logged
         * and skipped.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Suffix of dead-letter topic names: records of {@code dev.sales.public.orders} go to
         * {@code dev.sales.public.orders.dead-letter}. Dead-letter topics are provisioned with the partition count of
         * their source topic.
         */
        @WithDefault(".dead-letter")
        String suffix();
    }

    @ConfigGroup
    interface TopicsConfig {

        /**
         * What to do at start-up about the topics the application publishes to and consumes from: {@code create} the
         * missing ones, {@code validate} that they exist with enough partitions (start-up fails otherwise), or
         * {@code none}. Existing topics are never deleted, shrunk or altered.
         * <p>
         * Defaults to {@code create} in the dev and test profiles and {@code validate} in the others.
         */
        @WithDefault("validate")
        Provisioning provisioning();

        /**
         * Partitions of topics created by the extension.
         */
        @WithDefault("3")
        int partitions();

        /**
         * Replication factor of topics created by the extension. Defaults to the broker's
         * {@code default.replication.factor}.
         */
        Optional<Short> replicationFactor();

        /**
         * Topic configuration (such as {@code retention.ms}, {@code cleanup.policy} or {@code min.insync.replicas}) of
         * topics created by the extension.
         */
        @ConfigDocMapKey("topic-config")
        Map<String, String> config();

        /**
         * How long start-up waits for the broker, before failing with one error naming the bootstrap servers: for a
         * bootstrap address to accept a connection (one that refuses connections, or a host that does not resolve,
         * fails start-up after 3 s already), then for each provisioning request.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    enum Provisioning {
        /** Create missing topics. */
        CREATE,
        /** Fail start-up when a topic is missing or has fewer partitions than configured. */
        VALIDATE,
        /** Do nothing. */
        NONE
    }
}
