package io.quarkiverse.kafkaevents;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-publication additions to an event: extra Kafka headers, a key that replaces the event's partition key, the
 * CloudEvents {@code subject}, and CloudEvents extension attributes (such as a tenant).
 *
 * <pre>
 * publisher.publish(event, EventMetadata.builder().extension("tenant", "acme").header("origin", "import").build());
 * </pre>
 */
public final class EventMetadata {

    private static final Set<String> CONTEXT_ATTRIBUTES = Set.of("id", "source", "type", "specversion",
            "datacontenttype", "dataschema", "subject", "time", "data");
    private static final EventMetadata EMPTY = new EventMetadata(null, null, Map.of(), Map.of());

    private final String key;
    private final String subject;
    private final Map<String, String> headers;
    private final Map<String, String> extensions;

    private EventMetadata(String key, String subject, Map<String, String> headers, Map<String, String> extensions) {
        this.key = key;
        this.subject = subject;
        this.headers = headers;
        this.extensions = extensions;
    }

    public static EventMetadata empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The record key to use instead of the event's partition key, or {@code null}. */
    public String key() {
        return key;
    }

    /** The CloudEvents {@code subject}, or {@code null} for the default (the partition key). */
    public String subject() {
        return subject;
    }

    /** Extra Kafka record headers. */
    public Map<String, String> headers() {
        return headers;
    }

    /** CloudEvents extension attributes, by name. */
    public Map<String, String> extensions() {
        return extensions;
    }

    public static final class Builder {
        private String key;
        private String subject;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> extensions = new LinkedHashMap<>();

        private Builder() {
        }

        /** Uses this record key instead of the event's partition key. */
        public Builder key(String key) {
            this.key = key;
            return this;
        }

        /** Sets the CloudEvents {@code subject}. */
        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** Adds a Kafka record header. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            return this;
        }

        /**
         * Adds a CloudEvents extension attribute. Names are lower-case letters and digits, at most 20 characters, as
         * the CloudEvents specification requires, and not one of its context attributes ({@code id}, {@code source},
         * {@code type}, {@code specversion}, {@code datacontenttype}, {@code dataschema}, {@code subject},
         * {@code time}) nor {@code data}.
         */
        public Builder extension(String name, String value) {
            Objects.requireNonNull(name, "extension name");
            if (!name.matches("[a-z0-9]{1,20}")) {
                throw new IllegalArgumentException("Invalid CloudEvents extension attribute name '" + name
                        + "': use 1 to 20 lower-case letters or digits");
            }
            if (CONTEXT_ATTRIBUTES.contains(name)) {
                throw new IllegalArgumentException("Invalid CloudEvents extension attribute name '" + name
                        + "': it is a CloudEvents context attribute, set by the publisher");
            }
            extensions.put(name, Objects.requireNonNull(value, "extension value"));
            return this;
        }

        public EventMetadata build() {
            return new EventMetadata(key, subject, Collections.unmodifiableMap(new LinkedHashMap<>(headers)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(extensions)));
        }
    }
}
