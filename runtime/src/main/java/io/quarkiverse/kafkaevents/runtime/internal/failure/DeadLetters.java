package io.quarkiverse.kafkaevents.runtime.internal.failure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * Writes failed records to their dead-letter topic: original key, value and headers, plus headers saying why.
 */
public final class DeadLetters {

    public static final String PREFIX = "kafka-events-dlt-";
    static final String REASON = PREFIX + "reason";
    static final String EXCEPTION_CLASS = PREFIX + "exception-class";
    static final String EXCEPTION_MESSAGE = PREFIX + "exception-message";
    public static final String ORIGINAL_TOPIC = PREFIX + "original-topic";
    static final String ORIGINAL_PARTITION = PREFIX + "original-partition";
    static final String ORIGINAL_OFFSET = PREFIX + "original-offset";
    public static final String GROUP = PREFIX + "group";
    static final String ATTEMPTS = PREFIX + "attempts";
    static final String FIRST_FAILURE = PREFIX + "first-failure-time";

    private final KafkaEventPublisher publisher;
    private final String suffix;

    DeadLetters(KafkaEventPublisher publisher, String suffix) {
        this.publisher = publisher;
        this.suffix = suffix;
    }

    String topicFor(String topic) {
        return topic + suffix;
    }

    /**
     * Writes the record to the dead-letter topic of {@code sourceTopic} (the topic its handlers consume), in the
     * partition of its origin. Completes when the broker acknowledged the dead-letter record.
     */
    Uni<Void> write(PolledRecord record, String sourceTopic, RecordOrigin origin, String group, String reason,
            Throwable failure, int attempts, Instant firstFailure) {
        Headers headers = userHeaders(record.headers());
        add(headers, REASON, reason);
        if (failure != null) {
            add(headers, EXCEPTION_CLASS, failure.getClass().getName());
            add(headers, EXCEPTION_MESSAGE, String.valueOf(failure.getMessage()));
        }
        add(headers, ORIGINAL_TOPIC, origin.topic());
        add(headers, ORIGINAL_PARTITION, Integer.toString(origin.partition()));
        add(headers, ORIGINAL_OFFSET, Long.toString(origin.offset()));
        add(headers, GROUP, group);
        add(headers, ATTEMPTS, Integer.toString(attempts));
        add(headers, FIRST_FAILURE, firstFailure.toString());
        Object key = record.key();
        return publisher.sendRecord(record.outputs(), topicFor(sourceTopic), origin.partition(),
                key == null ? null : key.toString(),
                record.value(), headers);
    }

    /** The headers of a record without those the extension adds when it dead-letters or retries it. */
    static Headers userHeaders(Headers recordHeaders) {
        Headers headers = new RecordHeaders();
        for (Header header : recordHeaders) {
            if (!header.key().startsWith(PREFIX) && !header.key().startsWith(RetryTopics.PREFIX)) {
                headers.add(header);
            }
        }
        return headers;
    }

    public static void add(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
