package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigGroup;

/**
 * Settings of one event type ({@code quarkus.kafka-events.events."<type>".*}).
 */
@ConfigGroup
public interface EventTypeConfig extends RetryOverrides {

    /**
     * When events of this type are sent: {@code immediate}, {@code after-commit} or {@code outbox} (see
     * {@code quarkus.kafka-events.delivery}).
     */
    Optional<KafkaEventsConfig.Delivery> delivery();

    /**
     * Whether events of this type are checked against the type's JSON Schema before they are published:
     * {@code fail}, {@code warn} or {@code none}; overrides {@code quarkus.kafka-events.validation}.
     */
    Optional<KafkaEventsConfig.Validation> validation();

    /**
     * Whether this service creates (or validates) the type's topic at start-up.
     * <p>
     * By default it does for the types it handles and the types its own code declares or refers to (which it may
     * publish); not for types that only sit in a dependency, such as a shared contracts jar, so that another
     * team's missing topic never fails this service's start-up. Set it to {@code true} for a type of a dependency
     * this service publishes without naming it in its code, {@code false} to leave a topic to others.
     */
    Optional<Boolean> provision();

    /**
     * The full topic name, replacing the one derived from {@code @EventTopic} and the environment.
     */
    Optional<String> topic();

    /**
     * How events of this type are written; overrides {@code quarkus.kafka-events.format}.
     */
    Optional<EventFormat> format();

    /**
     * Partitions of this event type's topic when it is created; overrides
     * {@code quarkus.kafka-events.topics.partitions}.
     */
    OptionalInt partitions();

    /**
     * Replication factor of this event type's topic when it is created; overrides
     * {@code quarkus.kafka-events.topics.replication-factor}.
     */
    Optional<Short> replicationFactor();

    /**
     * Topic configuration (such as {@code retention.ms} or {@code cleanup.policy}) of this event type's topic when it
     * is created, added to {@code quarkus.kafka-events.topics.config}.
     */
    @ConfigDocMapKey("topic-config")
    Map<String, String> config();

    /**
     * Kafka consumer settings of the consumers that read this type's topic for the handlers, keyed by Kafka property
     * name: any consumer property, such as {@code max.poll.records}, {@code session.timeout.ms},
     * {@code fetch.min.bytes}, {@code fetch.max.wait.ms} or {@code max.partition.fetch.bytes}. For example
     * {@code quarkus.kafka-events.events."OrderPlaced".kafka."max.poll.records"=50}.
     * <p>
     * They apply to every consumer of the handlers of this type (one per consumer group, and its retry consumers); on a
     * topic shared with other types, the consumers of that topic get the settings of all its handled types. Settings
     * of a handler ({@code quarkus.kafka-events.handlers."<handler>".kafka}) win over these; two types or two handlers
     * of one consumer that set a property to different values fail start-up. {@code group.id}, the deserializers
     * and {@code enable.auto.commit} are the extension's and cannot be set here.
     */
    @ConfigDocMapKey("consumer-property")
    Map<String, String> kafka();
}
