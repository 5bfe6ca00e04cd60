package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;

/**
 * An incoming record, read in whichever of the three formats it was written: CloudEvents binary, CloudEvents
 * structured, or plain JSON (detected per record).
 * <p>
 * Binary records (the default format, and the hot path) are read straight from their {@code ce_*} headers: the type,
 * id and source are decoded at once (the type routes the record), the time is parsed and the extensions collected only
 * when someone asks for them. Structured records and other spec versions go through the CloudEvents SDK.
 */
public final class DecodedEvent {

    private static final String PREFIX = "ce_";

    private final CloudEvent cloudEvent;
    private final byte[] data;
    /** Binary mode: the record's headers and the attributes read from them. */
    private final Headers headers;
    private final String id;
    private final String type;
    private final String source;
    private final String subject;
    /** Binary mode: the {@code ce_time} value, checked by shape; parsed when asked for. */
    private final byte[] timeBytes;
    private OffsetDateTime time;

    private DecodedEvent(CloudEvent cloudEvent, byte[] data) {
        this.cloudEvent = cloudEvent;
        this.data = data;
        this.headers = null;
        this.id = cloudEvent == null ? null : cloudEvent.getId();
        this.type = cloudEvent == null ? null : cloudEvent.getType();
        this.source = cloudEvent == null || cloudEvent.getSource() == null ? null : cloudEvent.getSource().toString();
        this.subject = cloudEvent == null ? null : cloudEvent.getSubject();
        this.timeBytes = null;
        this.time = cloudEvent == null ? null : cloudEvent.getTime();
    }

    private DecodedEvent(Headers headers, byte[] data, String id, String type, String source, String subject,
            byte[] timeBytes) {
        this.cloudEvent = null;
        this.data = data;
        this.headers = headers;
        this.id = id;
        this.type = type;
        this.source = source;
        this.subject = subject;
        this.timeBytes = timeBytes;
    }

    /**
     * @throws IllegalArgumentException when the record claims to be a CloudEvent but is not a valid one
     */
    public static DecodedEvent decode(Headers headers, byte[] value) {
        return decode(headers, value, null);
    }

    /**
     * {@link #decode(Headers, byte[])}, with the type and source decoded through {@code texts} (values that repeat
     * from record to record) when it is not {@code null}.
     */
    public static DecodedEvent decode(Headers headers, byte[] value, HeaderTexts texts) {
        // one pass over the headers (the last of a name wins, as with lastHeader) instead of a scan per attribute
        Header specVersion = null;
        Header id = null;
        Header type = null;
        Header source = null;
        Header subject = null;
        Header time = null;
        Header contentType = null;
        for (Header header : headers) {
            String key = header.key();
            if (key.startsWith(PREFIX)) {
                switch (key) {
                    case "ce_specversion" -> specVersion = header;
                    case "ce_id" -> id = header;
                    case "ce_type" -> type = header;
                    case "ce_source" -> source = header;
                    case "ce_subject" -> subject = header;
                    case "ce_time" -> time = header;
                    default -> {
                        // an extension: read when asked for
                    }
                }
            } else if (key.equals("content-type")) {
                contentType = header;
            }
        }
        if (specVersion != null && Arrays.equals(SPEC_VERSION_1_0, specVersion.value())) {
            return binary(headers, value, required(id, "ce_id", null), required(type, "ce_type", texts),
                    required(source, "ce_source", texts), subject, time, texts);
        }
        if (!isCloudEvent(specVersion, contentType)) {
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

    private static final byte[] SPEC_VERSION_1_0 = { '1', '.', '0' };

    private static DecodedEvent binary(Headers headers, byte[] value, String id, String type, String source,
            Header subject, Header time, HeaderTexts texts) {
        if (texts != null && texts.checkedSource(source)) {
            // the same source as a record before: already found valid
        } else if (!isPlainPath(source)) {
            try {
                new URI(source);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid CloudEvent: ce_source '" + source
                        + "' is not a URI reference: " + e.getMessage(), e);
            }
        }
        if (texts != null) {
            texts.sourceChecked(source);
        }
        byte[] timeBytes = time == null ? null : time.value();
        if (timeBytes != null && !looksLikeRfc3339(timeBytes)) {
            throw new IllegalArgumentException("invalid CloudEvent: ce_time '" + text(time)
                    + "' is not an RFC 3339 time");
        }
        // an empty value is no data, as for the SDK
        return new DecodedEvent(headers, value == null || value.length == 0 ? null : value, id, type, source,
                subject == null ? null : text(subject), timeBytes);
    }

    /**
     * Whether the source is a URI reference made of path characters only (letters, digits, {@code -._~/!$&'()*+,;=@}),
     * as the extension writes it ({@code /orders-service}), and not starting with {@code //}: certainly a valid relative
     * reference, no parsing needed.
     */
    private static boolean isPlainPath(String source) {
        if (source.startsWith("//")) {
            return false; // an authority follows: parsed
        }
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~/!$&'()*+,;=@".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String required(Header header, String name, HeaderTexts texts) {
        byte[] bytes = header == null ? null : header.value();
        String value = bytes == null ? null : texts == null ? new String(bytes, StandardCharsets.UTF_8) : texts.text(bytes);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("invalid CloudEvent: binary-mode record without " + name);
        }
        return value;
    }

    /** {@code yyyy-mm-ddThh:mm:ss} then a fraction and an offset, checked by shape; parsed when asked for. */
    private static boolean looksLikeRfc3339(byte[] text) {
        if (text.length < 20) {
            return false;
        }
        for (int i = 0; i < 19; i++) {
            byte c = text[i];
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T' || c == 't';
                case 13, 16 -> c == ':';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String text(Header header) {
        return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Binary mode carries {@code ce_specversion}; structured mode an {@code application/cloudevents} content type.
     */
    private static boolean isCloudEvent(Header specVersion, Header contentType) {
        if (specVersion != null) {
            return true;
        }
        return contentType != null && contentType.value() != null
                && new String(contentType.value(), StandardCharsets.UTF_8).startsWith("application/cloudevents");
    }

    /** Whether the record is a plain JSON record (no CloudEvents attributes). */
    public boolean plain() {
        return cloudEvent == null && headers == null;
    }

    /** The CloudEvents type, {@code null} for plain records. */
    public String type() {
        return type;
    }

    /** The event JSON. */
    public byte[] data() {
        return data;
    }

    public String id() {
        return id;
    }

    public String source() {
        return source;
    }

    public String subject() {
        return subject;
    }

    public OffsetDateTime time() {
        if (time == null && timeBytes != null) {
            try {
                time = OffsetDateTime.parse(new String(timeBytes, StandardCharsets.UTF_8));
            } catch (DateTimeParseException e) {
                return null; // of the right shape, yet no valid time (a 13th month, say)
            }
        }
        return time;
    }

    public Map<String, String> extensions() {
        if (headers != null) {
            Map<String, String> extensions = new LinkedHashMap<>();
            for (Header header : headers) {
                String name = header.key();
                if (name.startsWith(PREFIX) && !CONTEXT_HEADERS.contains(name)) {
                    extensions.put(name.substring(PREFIX.length()), text(header));
                }
            }
            return extensions.isEmpty() ? Map.of() : Collections.unmodifiableMap(extensions);
        }
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

    private static final Set<String> CONTEXT_HEADERS = Set.of("ce_specversion", "ce_id", "ce_source", "ce_type",
            "ce_subject", "ce_time", "ce_dataschema", "ce_datacontenttype");

    static Map<String, String> headers(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Header header : headers) {
            map.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(map);
    }
}
