package io.quarkiverse.kafkaevents.test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import io.quarkiverse.kafkaevents.EventFormat;

/**
 * An event read back from Kafka: the event decoded to its class, the record's coordinates, key and headers, and its
 * CloudEvents attributes (from {@code ce_*} headers in binary format, from the envelope in structured format; none in
 * plain format). Its JSON matched the type's build-time JSON Schema, or the recorder would have failed.
 *
 * @param <T> the event class
 */
public final class RecordedEvent<T> {

    private final T event;
    private final String key;
    private final String topic;
    private final int partition;
    private final long offset;
    private final Instant timestamp;
    private final Map<String, String> headers;
    private final Map<String, String> attributes;
    private final EventFormat format;
    private final String json;

    RecordedEvent(T event, String key, String topic, int partition, long offset, Instant timestamp,
            Map<String, String> headers, Map<String, String> attributes, EventFormat format, String json) {
        this.event = event;
        this.key = key;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.headers = headers;
        this.attributes = attributes;
        this.format = format;
        this.json = json;
    }

    /** The event, decoded from its JSON with the application's {@code ObjectMapper}. */
    public T event() {
        return event;
    }

    public String key() {
        return key;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** The record's timestamp. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The record's headers as UTF-8 text (the last value of a repeated header). */
    public Map<String, String> headers() {
        return headers;
    }

    /** A header as UTF-8 text, or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The CloudEvents attributes and extensions, by name ({@code id}, {@code type}, ...); empty in plain format. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** A CloudEvents attribute or extension ({@code "channel"}), or {@code null}. */
    public String attribute(String name) {
        return attributes.get(name);
    }

    public String id() {
        return attributes.get("id");
    }

    public String type() {
        return attributes.get("type");
    }

    public String source() {
        return attributes.get("source");
    }

    public String subject() {
        return attributes.get("subject");
    }

    public String specVersion() {
        return attributes.get("specversion");
    }

    /** The {@code time} attribute, or {@code null}. */
    public OffsetDateTime time() {
        String time = attributes.get("time");
        return time == null ? null : OffsetDateTime.parse(time);
    }

    public EventFormat format() {
        return format;
    }

    /** The event's JSON (the {@code data} of a structured envelope). */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return (type() == null ? event.getClass().getSimpleName() : type()) + " " + topic + "-" + partition + "@"
                + offset + " key=" + key + " " + json;
    }
}
