package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Record headers in one column: a count, then per header its name and value, each length-prefixed (-1 for a null
 * value). Also reads the CloudEvents type of a row back, for display.
 */
final class OutboxHeaders {

    private static final JsonFactory JSON = new JsonFactory();

    private OutboxHeaders() {
    }

    /**
     * The CloudEvents type of a row: its {@code ce_type} header (binary format), else the top-level {@code type} of
     * its payload (structured format, when given); {@code null} when neither has one (plain format).
     */
    static String type(byte[] headers, byte[] payload) {
        Headers decoded = decode(headers);
        Header type = decoded.lastHeader("ce_type");
        if (type != null && type.value() != null) {
            return new String(type.value(), StandardCharsets.UTF_8);
        }
        Header contentType = decoded.lastHeader("content-type");
        if (payload == null || payload.length == 0 || contentType == null || contentType.value() == null
                || !new String(contentType.value(), StandardCharsets.UTF_8).startsWith("application/cloudevents")) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static byte[] encode(Headers headers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Header[] all = headers.toArray();
            out.writeInt(all.length);
            for (Header header : all) {
                byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                byte[] value = header.value();
                out.writeInt(value == null ? -1 : value.length);
                if (value != null) {
                    out.write(value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Headers decode(byte[] encoded) {
        Headers headers = new RecordHeaders();
        if (encoded == null || encoded.length == 0) {
            return headers;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[in.readInt()];
                in.readFully(name);
                int length = in.readInt();
                byte[] value = null;
                if (length >= 0) {
                    value = new byte[length];
                    in.readFully(value);
                }
                headers.add(new String(name, StandardCharsets.UTF_8), value);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable headers column in the outbox table", e);
        }
        return headers;
    }
}
