package io.quarkiverse.kafkaevents.test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A record the application wrote to a dead-letter topic, with the reason headers the extension added
 * ({@code kafka-events-dlt-*}).
 *
 * @param topic the dead-letter topic
 * @param partition its partition
 * @param offset its offset
 * @param key the original key
 * @param value the original value, as it was (garbage included)
 * @param headers the record's headers as UTF-8 text (the original ones and the reason headers)
 */
public record DeadLetter(String topic, int partition, long offset, String key, byte[] value,
        Map<String, String> headers) {

    /** Why: {@code handler X#y failed: ...}, {@code undecodable record: ...}, {@code payload does not match ...}. */
    public String reason() {
        return headers.get("kafka-events-dlt-reason");
    }

    /** The topic the record was consumed from. */
    public String originalTopic() {
        return headers.get("kafka-events-dlt-original-topic");
    }

    /** The consumer group that failed. */
    public String group() {
        return headers.get("kafka-events-dlt-group");
    }

    /** The class of the failure, or {@code null} (an unreadable record has none). */
    public String exceptionClass() {
        return headers.get("kafka-events-dlt-exception-class");
    }

    public String exceptionMessage() {
        return headers.get("kafka-events-dlt-exception-message");
    }

    /** Attempts made (0 for an unreadable record). */
    public int attempts() {
        String attempts = headers.get("kafka-events-dlt-attempts");
        return attempts == null ? 0 : Integer.parseInt(attempts);
    }

    /** The CloudEvents type ({@code ce_type} header), or {@code null}. */
    public String eventType() {
        return headers.get("ce_type");
    }

    /** The original value as UTF-8 text. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "dead letter " + topic + "-" + partition + "@" + offset + " key=" + key + " from " + originalTopic()
                + " (group " + group() + ", " + attempts() + " attempts): " + reason();
    }
}
