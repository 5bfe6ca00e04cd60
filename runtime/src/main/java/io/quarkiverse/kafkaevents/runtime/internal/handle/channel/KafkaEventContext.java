package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * The {@link EventContext} of one incoming record.
 */
public final class KafkaEventContext implements EventContext {

    private final PolledRecord record;
    private final RecordOrigin origin;
    private final DecodedEvent event;
    private final String type;
    private final String group;
    private final int attempt;
    private Map<String, String> headers;

    public KafkaEventContext(PolledRecord record, RecordOrigin origin, DecodedEvent event, String type,
            String group, int attempt) {
        this.record = record;
        this.origin = origin;
        this.event = event;
        this.type = type;
        this.group = group;
        this.attempt = attempt;
    }

    @Override
    public String topic() {
        return origin.topic();
    }

    @Override
    public int partition() {
        return origin.partition();
    }

    @Override
    public long offset() {
        return origin.offset();
    }

    @Override
    public String key() {
        Object key = record.key();
        return key == null ? null : key.toString();
    }

    @Override
    public Instant timestamp() {
        long timestamp = timestampMillis();
        return timestamp < 0 ? null : Instant.ofEpochMilli(timestamp);
    }

    /** The original record's timestamp, like topic, partition and offset (a retry record's own is its retry time). */
    private long timestampMillis() {
        return origin.timestamp() >= 0 ? origin.timestamp() : record.timestampMillis();
    }

    @Override
    public Map<String, String> headers() {
        if (headers == null) {
            headers = DecodedEvent.headers(record.headers());
        }
        return headers;
    }

    @Override
    public String id() {
        return event.id();
    }

    @Override
    public String source() {
        return event.source();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String subject() {
        return event.subject();
    }

    @Override
    public OffsetDateTime time() {
        return event.time();
    }

    @Override
    public Map<String, String> extensions() {
        return event.extensions();
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public boolean replayed() {
        return record.headers().lastHeader(Replays.TIME) != null;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Duration lag() {
        long timestamp = timestampMillis();
        return timestamp < 0 ? Duration.ZERO : Duration.ofMillis(System.currentTimeMillis() - timestamp);
    }

    @Override
    public String toString() {
        return topic() + "-" + partition() + "@" + offset();
    }
}
