package io.quarkiverse.kafkaevents;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Where and how the event being handled arrived: its Kafka coordinates and its CloudEvents attributes.
 */
public interface EventContext {

    /**
     * The topic the event was published to. For an event redelivered from a retry topic
     * ({@code quarkus.kafka-events.failure.mode=retry-topics}), the topic, partition and offset are those of the
     * original record.
     */
    String topic();

    /** The partition of the record (of the original record for a retried event). */
    int partition();

    /** The offset of the record (of the original record for a retried event). */
    long offset();

    /** The record key, or {@code null}. */
    String key();

    /**
     * The Kafka record timestamp, or {@code null} when the record has none (a negative timestamp). For a record
     * redelivered from a retry topic, the timestamp of the original record, like {@link #topic()}, {@link #partition()}
     * and {@link #offset()}.
     */
    Instant timestamp();

    /** The record headers (the last value of each header, decoded as UTF-8). */
    Map<String, String> headers();

    /** CloudEvents {@code id}; {@code null} for a plain JSON record. */
    String id();

    /** CloudEvents {@code source}; {@code null} for a plain JSON record. */
    String source();

    /** CloudEvents {@code type}; for a plain JSON record, the type it was handled as. */
    String type();

    /** CloudEvents {@code subject}, or {@code null}. */
    String subject();

    /** CloudEvents {@code time}, or {@code null}. */
    OffsetDateTime time();

    /** CloudEvents extension attributes (such as a tenant), by name. */
    Map<String, String> extensions();

    /** The consumer group handling the record. */
    String group();

    /**
     * Whether the record was re-published from a dead-letter topic by a {@link DeadLetterReplayer} (it carries the
     * {@code kafka-events-replay-time} header).
     */
    boolean replayed();

    /** The delivery attempt, starting at 1. */
    int attempt();

    /**
     * How long ago the record was written: now minus {@link #timestamp()} (for a redelivered retry record, since the
     * original record was written).
     */
    Duration lag();
}
