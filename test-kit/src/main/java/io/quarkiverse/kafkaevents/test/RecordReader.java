package io.quarkiverse.kafkaevents.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;

/**
 * Turns a raw record into a {@link RecordedEvent}: tells its format, reads its CloudEvents attributes, decodes its JSON
 * to the event class with the application's {@code ObjectMapper} and checks it against the type's JSON Schema.
 */
final class RecordReader {

    private final ObjectMapper mapper;
    private final EventRouting routing;
    private final SchemaChecks schemas = new SchemaChecks();

    RecordReader(ObjectMapper mapper, EventRouting routing) {
        this.mapper = mapper;
        this.routing = routing;
    }

    /** The record's event of type {@code route}, or {@code null} when the record is of another type. */
    <T> RecordedEvent<T> read(ConsumerRecord<byte[], byte[]> record, EventRouting.Route route, Class<T> eventClass) {
        Map<String, String> headers = headers(record);
        Map<String, String> attributes = new LinkedHashMap<>();
        EventFormat format;
        String json;
        String contentType = headers.get("content-type");
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (contentType != null && contentType.startsWith("application/cloudevents+json")) {
            format = EventFormat.STRUCTURED;
            JsonNode envelope;
            try {
                envelope = mapper.readTree(record.value());
            } catch (IOException e) {
                return null; // not an event of this type: the recorder skips what it cannot read
            }
            if (envelope == null || !envelope.isObject()) {
                return null;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = envelope.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("data") && !field.getKey().equals("data_base64")) {
                    attributes.put(field.getKey(), field.getValue().asText());
                }
            }
            JsonNode data = envelope.get("data");
            json = data == null ? null : data.toString();
        } else {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().startsWith("ce_")) {
                    attributes.put(header.getKey().substring(3), header.getValue());
                }
            }
            format = attributes.isEmpty() ? EventFormat.PLAIN : EventFormat.BINARY;
            json = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        }
        String type = format == EventFormat.PLAIN ? routing.typeOf(record.topic(), record.headers())
                : attributes.get("type");
        if (!route.info().getType().equals(type) || json == null) {
            return null;
        }
        schemas.check(type, route.info().getVersion(), json, where);
        T event;
        try {
            event = mapper.readValue(json, eventClass);
        } catch (IOException e) {
            throw new AssertionError("Event of type " + type + " at " + where + " does not decode as "
                    + eventClass.getName() + ": " + e.getMessage() + "; JSON: " + json, e);
        }
        return new RecordedEvent<>(event, key(record), record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), headers, Map.copyOf(attributes), format, json);
    }

    DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        return new DeadLetter(record.topic(), record.partition(), record.offset(), key(record), record.value(),
                headers(record));
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return java.util.Collections.unmodifiableMap(headers);
    }
}
