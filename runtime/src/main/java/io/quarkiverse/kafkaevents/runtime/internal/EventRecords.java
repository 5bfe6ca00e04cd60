package io.quarkiverse.kafkaevents.runtime.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkiverse.kafkaevents.EventMetadata;

/**
 * Turns an event's JSON into the value and headers of a Kafka record, in the chosen format, with the CloudEvents SDK.
 */
public final class EventRecords {

    /** Content type of the JSON payload. */
    public static final String JSON = "application/json";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    private static final JsonFormat STRUCTURED_FORMAT = new JsonFormat();

    private EventRecords() {
    }

    /**
     * A record ready to send: topic, key, value and headers.
     */
    public static ProducerRecord<String, byte[]> record(EventFormat format, String topic, String key, String type,
            URI source, byte[] json, EventMetadata metadata) {
        return record(format, topic, key, type, source, json, metadata, UUID.randomUUID().toString());
    }

    /**
     * A record ready to send, with the given CloudEvents id (not on the wire in the {@code plain} format).
     */
    public static ProducerRecord<String, byte[]> record(EventFormat format, String topic, String key, String type,
            URI source, byte[] json, EventMetadata metadata, String id) {
        ProducerRecord<String, byte[]> record;
        if (format == EventFormat.PLAIN) {
            Headers headers = new RecordHeaders();
            headers.add(CONTENT_TYPE_HEADER, JSON.getBytes(StandardCharsets.UTF_8));
            record = new ProducerRecord<>(topic, null, null, key, json, headers);
        } else {
            CloudEvent event = cloudEvent(id, type, source, key, json, metadata);
            record = format == EventFormat.STRUCTURED
                    ? KafkaMessageFactory.createWriter(topic, null, null, key).writeStructured(event, STRUCTURED_FORMAT)
                    : KafkaMessageFactory.createWriter(topic, null, null, key).writeBinary(event);
        }
        for (Map.Entry<String, String> header : metadata.headers().entrySet()) {
            record.headers().add(header.getKey(), header.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    static CloudEvent cloudEvent(String id, String type, URI source, String key, byte[] json,
            EventMetadata metadata) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source)
                .withType(type)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                .withDataContentType(JSON)
                .withData(json);
        String subject = metadata.subject() != null ? metadata.subject() : key;
        if (subject != null) {
            builder.withSubject(subject);
        }
        for (Map.Entry<String, String> extension : metadata.extensions().entrySet()) {
            builder.withExtension(extension.getKey(), extension.getValue());
        }
        return builder.build();
    }
}
