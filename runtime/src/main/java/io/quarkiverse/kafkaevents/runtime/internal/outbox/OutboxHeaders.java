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

/**
 * Record headers in one column: a count, then per header its name and value, each length-prefixed (-1 for a null
 * value).
 */
final class OutboxHeaders {

    private OutboxHeaders() {
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
