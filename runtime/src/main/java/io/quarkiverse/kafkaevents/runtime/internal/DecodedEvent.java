package io.quarkiverse.kafkaevents.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;

/**
 * An incoming record, read in whichever of the three formats it was written: CloudEvents binary, CloudEvents
 * structured, or plain JSON (detected per record).
 */
public final class DecodedEvent {

    private final CloudEvent cloudEvent;
    private final byte[] data;

    private DecodedEvent(CloudEvent cloudEvent, byte[] data) {
        this.cloudEvent = cloudEvent;
        this.data = data;
    }

    /**
     * @throws IllegalArgumentException when the record claims to be a CloudEvent but is not a valid one
     */
    public static DecodedEvent decode(Headers headers, byte[] value) {
        if (!isCloudEvent(headers)) {
            return new DecodedEvent(null, value);
        }
        CloudEvent event;
        try {
            MessageReader reader = KafkaMessageFactory.createReader(headers, value);
            event = reader.toEvent();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid CloudEvent: " + e.getMessage(), e);
        }
        byte[] data = event.getData() == null ? null : event.getData().toBytes();
        return new DecodedEvent(event, data);
    }

    /**
     * Binary mode carries {@code ce_specversion}; structured mode an {@code application/cloudevents} content type.
     */
    private static boolean isCloudEvent(Headers headers) {
        if (headers.lastHeader("ce_specversion") != null) {
            return true;
        }
        Header contentType = headers.lastHeader("content-type");
        return contentType != null && contentType.value() != null
                && new String(contentType.value(), StandardCharsets.UTF_8).startsWith("application/cloudevents");
    }

    /** Whether the record is a plain JSON record (no CloudEvents attributes). */
    public boolean plain() {
        return cloudEvent == null;
    }

    /** The CloudEvents type, {@code null} for plain records. */
    public String type() {
        return cloudEvent == null ? null : cloudEvent.getType();
    }

    /** The event JSON. */
    public byte[] data() {
        return data;
    }

    public String id() {
        return cloudEvent == null ? null : cloudEvent.getId();
    }

    public String source() {
        return cloudEvent == null || cloudEvent.getSource() == null ? null : cloudEvent.getSource().toString();
    }

    public String subject() {
        return cloudEvent == null ? null : cloudEvent.getSubject();
    }

    public OffsetDateTime time() {
        return cloudEvent == null ? null : cloudEvent.getTime();
    }

    public Map<String, String> extensions() {
        if (cloudEvent == null || cloudEvent.getExtensionNames().isEmpty()) {
            return Map.of();
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        for (String name : cloudEvent.getExtensionNames()) {
            Object value = cloudEvent.getExtension(name);
            extensions.put(name, value == null ? null : value.toString());
        }
        return Collections.unmodifiableMap(extensions);
    }

    static Map<String, String> headers(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header header : headers) {
            map.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(map);
    }
}
