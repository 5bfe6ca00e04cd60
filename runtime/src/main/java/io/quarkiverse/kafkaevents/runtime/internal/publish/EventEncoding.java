package io.quarkiverse.kafkaevents.runtime.internal.publish;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkiverse.kafkaevents.EventMetadata;

/**
 * How the records of one event type are written, worked out once at start-up: the CloudEvents attributes that never
 * change (spec version, type, source, content type) are encoded to bytes here, so a publish only encodes its id, time,
 * subject, extensions and the event's JSON. The wire format is the one of the CloudEvents Kafka protocol binding
 * (binary: {@code ce_*} headers; structured: an {@code application/cloudevents+json} envelope) and of plain JSON.
 */
public final class EventEncoding {

    /** Content type of the JSON payload. */
    public static final String JSON = "application/json";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    /** Content type of a structured CloudEvent. */
    public static final String STRUCTURED = "application/cloudevents+json";

    private static final byte[] JSON_BYTES = JSON.getBytes(UTF_8);
    private static final byte[] STRUCTURED_BYTES = STRUCTURED.getBytes(UTF_8);
    private static final byte[] SPEC_VERSION = "1.0".getBytes(UTF_8);

    private final EventFormat format;
    private final String topic;
    private final byte[] type;
    private final byte[] source;
    /** Structured format: the envelope's constant start, up to the comma before the id. */
    private final byte[] envelopeStart;

    public EventEncoding(EventFormat format, String topic, String type, String source) {
        this.format = format;
        this.topic = topic;
        this.type = type.getBytes(UTF_8);
        this.source = source.getBytes(UTF_8);
        this.envelopeStart = ("{\"specversion\":\"1.0\",\"type\":" + quoted(type) + ",\"source\":" + quoted(source)
                + ",\"datacontenttype\":\"" + JSON + "\"").getBytes(UTF_8);
    }

    public EventFormat format() {
        return format;
    }

    /**
     * The record of one event: its JSON ({@code json}), key (may be {@code null}), CloudEvents id and time
     * (RFC 3339), and the caller's metadata (subject, extensions, headers).
     */
    public ProducerRecord<String, byte[]> record(String key, byte[] json, EventMetadata metadata, String id,
            String time) {
        Headers headers = new RecordHeaders();
        byte[] value;
        if (format == EventFormat.PLAIN) {
            headers.add(new RecordHeader(CONTENT_TYPE_HEADER, JSON_BYTES));
            value = json;
        } else {
            String subject = metadata.subject() != null ? metadata.subject() : key;
            // names checked by EventMetadata.Builder#extension
            Map<String, String> extensions = metadata.extensions();
            if (format == EventFormat.BINARY) {
                headers.add(new RecordHeader("ce_specversion", SPEC_VERSION));
                headers.add(new RecordHeader("ce_id", id.getBytes(UTF_8)));
                headers.add(new RecordHeader("ce_source", source));
                headers.add(new RecordHeader("ce_type", type));
                headers.add(new RecordHeader(CONTENT_TYPE_HEADER, JSON_BYTES));
                if (subject != null) {
                    headers.add(new RecordHeader("ce_subject", subject.getBytes(UTF_8)));
                }
                headers.add(new RecordHeader("ce_time", time.getBytes(UTF_8)));
                for (Map.Entry<String, String> extension : extensions.entrySet()) {
                    headers.add(new RecordHeader("ce_" + extension.getKey(), extension.getValue().getBytes(UTF_8)));
                }
                value = json;
            } else {
                headers.add(new RecordHeader(CONTENT_TYPE_HEADER, STRUCTURED_BYTES));
                value = envelope(json, id, time, subject, extensions);
            }
        }
        for (Map.Entry<String, String> header : metadata.headers().entrySet()) {
            headers.add(new RecordHeader(header.getKey(), header.getValue().getBytes(UTF_8)));
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    private byte[] envelope(byte[] json, String id, String time, String subject, Map<String, String> extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(envelopeStart.length + json.length + 128);
        out.writeBytes(envelopeStart);
        field(out, "id", id);
        field(out, "time", time);
        if (subject != null) {
            field(out, "subject", subject);
        }
        for (Map.Entry<String, String> extension : extensions.entrySet()) {
            field(out, extension.getKey(), extension.getValue());
        }
        out.writeBytes(",\"data\":".getBytes(UTF_8));
        out.writeBytes(json);
        out.write('}');
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        out.write(',');
        out.write('"');
        out.writeBytes(name.getBytes(UTF_8));
        out.write('"');
        out.write(':');
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
        out.write('"');
    }

    private static String quoted(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }
}
