package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * Settings of one {@code @EventHandler} method ({@code quarkus.kafka-events.handlers."<class name>#<method name>".*}).
 */
@ConfigGroup
public interface HandlerConfig extends RetryOverrides {

    /**
     * Kafka consumer settings of the consumers of this handler, keyed by Kafka property name: any consumer property,
     * such as {@code max.poll.records}, {@code session.timeout.ms}, {@code heartbeat.interval.ms},
     * {@code max.poll.interval.ms}, {@code fetch.min.bytes} or {@code max.partition.fetch.bytes}. For example
     * {@code quarkus.kafka-events.handlers."com.acme.TickHandler#onTick".kafka."max.poll.records"=50}.
     * <p>
     * Handlers of one event topic in one consumer group share their consumers: these settings apply to those consumers
     * (and to their retry consumers), so two such handlers must not set a property to different values (start-up fails
     * naming both). They win over the event type's settings ({@code quarkus.kafka-events.events."<type>".kafka}).
     * {@code group.id}, the deserializers and {@code enable.auto.commit} are the extension's and cannot be set here.
     */
    @ConfigDocMapKey("consumer-property")
    Map<String, String> kafka();

    /**
     * How many records of one partition may be handled side by side, by key: records with the same key are still
     * handled one at a time, in order; records of different keys (spread over this many lanes by the hash of the key,
     * records without a key by offset) run concurrently. {@code 1} (the default) handles each partition's records one
     * after the other. Offsets are committed up to the oldest record not finished yet, so a slow key holds back the
     * commit of its partition, not the handling of the other keys.
     * <p>
     * Handlers of one event topic in one consumer group share their consumers and lanes: the lowest value among them
     * applies. Records of retry topics are handled in order.
     */
    @WithDefault("1")
    int keyConcurrency();

    /**
     * Whether this handler goes through the database inbox (each event handled at most once per consumer group, in
     * one JTA transaction with the handler's writes): overrides the annotation's {@code inbox} attribute and
     * {@code quarkus.kafka-events.inbox.enabled}. Only for blocking ({@code void}) handlers of one event; start-up
     * fails naming the handler and this setting otherwise.
     */
    Optional<Boolean> inbox();

    /**
     * A record header whose value identifies the event for this handler's inbox, instead of its CloudEvents
     * {@code id}: for producers that cannot keep ids stable (the same payment sent twice with two ids, but one
     * {@code payment-ref} header). A record without the header is claimed by its CloudEvents id.
     */
    Optional<String> inboxKeyHeader();

    /**
     * A field of the event whose value identifies it for this handler's inbox, instead of its CloudEvents {@code id}:
     * its JSON name, or a dotted path into nested objects ({@code payment.reference}). For producers that cannot keep
     * ids stable but carry a business key in the event. An event whose field is missing, null or empty is claimed by
     * its CloudEvents id; {@code inbox-key-header}, when set and present on the record, comes first.
     */
    Optional<String> inboxKeyField();

    /**
     * Whether this handler publishes in a Kafka transaction with the consumed offset (exactly-once on Kafka):
     * overrides the annotation's {@code kafkaTransaction} attribute and {@code quarkus.kafka-events.transactions.enabled}.
     * Only for blocking ({@code void}) handlers of one event, with {@code key-concurrency} 1; start-up fails naming the
     * handler and this setting otherwise.
     */
    Optional<Boolean> kafkaTransaction();

    /**
     * Whether this handler's received events are checked against their type's JSON Schema ({@code fail}, {@code warn}
     * or {@code none}); overrides {@code quarkus.kafka-events.handler-validation}. When the handlers of one consumer
     * group and event type disagree, the strictest applies to the record.
     */
    Optional<KafkaEventsConfig.Validation> validation();
}
