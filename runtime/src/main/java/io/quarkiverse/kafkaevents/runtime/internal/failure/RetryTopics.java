package io.quarkiverse.kafkaevents.runtime.internal.failure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RetryTopicNames;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * The {@code retry-topics} failure mode: a failed record is written to {@code <topic>.retry-<n>} (n = the attempts
 * made so far) with headers saying when it is due and where it came from; the retry channel of its handlers reads it
 * back, waits until it is due and tries again.
 * <p>
 * One retry topic per attempt means every record of a retry topic waits about as long as the ones before it, so
 * waiting for the head of a partition never holds up a record that is due earlier.
 */
public final class RetryTopics {

    static final String PREFIX = "kafka-events-retry-";
    /** Attempts made so far. */
    static final String ATTEMPTS = PREFIX + "attempts";
    /** When the next attempt is due, in epoch milliseconds. */
    static final String DUE = PREFIX + "due";
    static final String ORIGINAL_TOPIC = PREFIX + "original-topic";
    static final String ORIGINAL_PARTITION = PREFIX + "original-partition";
    static final String ORIGINAL_OFFSET = PREFIX + "original-offset";
    /** The original record's timestamp (epoch milliseconds); absent from records of earlier versions. */
    static final String ORIGINAL_TIMESTAMP = PREFIX + "original-timestamp";
    /** The consumer group whose handlers failed: the retry consumers of other groups skip the record. */
    static final String GROUP = PREFIX + "group";
    static final String FIRST_FAILURE = PREFIX + "first-failure-time";
    /** The handlers that failed (comma-separated labels): only they are called again. */
    static final String HANDLERS = PREFIX + "handlers";

    /**
     * The suffix of the channel that reads the retry topics of a handler channel, and of its consumer group.
     */
    public static final String CHANNEL_SUFFIX = "-retry";

    /** Appended to a topic name, a regular expression matching its retry topics. */
    public static final String TOPIC_PATTERN_SUFFIX = "[.]retry-[0-9]+";

    private final KafkaEventPublisher publisher;

    RetryTopics(KafkaEventPublisher publisher) {
        this.publisher = publisher;
    }

    /** The retry topic of the given retry (counted from 1) of a source topic. */
    static String topic(String source, int retry) {
        return RetryTopicNames.of(source, retry);
    }

    /** The retry topics of a source topic for a number of attempts in all. */
    static List<String> topics(String source, int maxAttempts) {
        return IntStream.range(1, maxAttempts).mapToObj(n -> topic(source, n)).toList();
    }

    /** What a retry record says about its event. */
    public record State(RecordOrigin origin, String group, int attempts, long dueMillis, Instant firstFailure,
            List<String> handlers) {
    }

    /**
     * Reads the retry headers of a record of a retry topic.
     *
     * @throws IllegalArgumentException naming the header that is missing or invalid
     */
    public static State read(Headers headers) {
        String topic = required(headers, ORIGINAL_TOPIC);
        int partition = number(headers, ORIGINAL_PARTITION, Integer::parseInt);
        long offset = number(headers, ORIGINAL_OFFSET, Long::parseLong);
        int attempts = number(headers, ATTEMPTS, Integer::parseInt);
        long due = number(headers, DUE, Long::parseLong);
        String first = required(headers, FIRST_FAILURE);
        Instant firstFailure;
        try {
            firstFailure = Instant.parse(first);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("header " + FIRST_FAILURE + " is not an instant: " + first);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("header " + ATTEMPTS + " must be at least 1: " + attempts);
        }
        String handlers = value(headers, HANDLERS);
        String timestamp = value(headers, ORIGINAL_TIMESTAMP);
        long originalTimestamp = timestamp == null ? -1 : number(headers, ORIGINAL_TIMESTAMP, Long::parseLong);
        return new State(new RecordOrigin(topic, partition, offset, originalTimestamp), required(headers, GROUP),
                attempts, due,
                firstFailure, handlers == null || handlers.isEmpty() ? List.of() : Arrays.asList(handlers.split(",")));
    }

    /**
     * Writes the record to the retry topic of the attempts made so far, in the partition of its origin: same key,
     * value and user headers, plus the retry headers. Completes when the broker acknowledged it.
     */
    Uni<Void> forward(PolledRecord record, String sourceTopic, RecordOrigin origin, byte[] value,
            String group, int attempts, Duration backoff, Instant firstFailure, List<String> failedHandlers) {
        Headers headers = DeadLetters.userHeaders(record.headers());
        DeadLetters.add(headers, ATTEMPTS, Integer.toString(attempts));
        DeadLetters.add(headers, DUE, Long.toString(System.currentTimeMillis() + backoff.toMillis()));
        DeadLetters.add(headers, ORIGINAL_TOPIC, origin.topic());
        DeadLetters.add(headers, ORIGINAL_PARTITION, Integer.toString(origin.partition()));
        DeadLetters.add(headers, ORIGINAL_OFFSET, Long.toString(origin.offset()));
        if (origin.timestamp() >= 0) {
            DeadLetters.add(headers, ORIGINAL_TIMESTAMP, Long.toString(origin.timestamp()));
        }
        DeadLetters.add(headers, GROUP, group);
        DeadLetters.add(headers, FIRST_FAILURE, firstFailure.toString());
        DeadLetters.add(headers, HANDLERS, String.join(",", failedHandlers));
        Object key = record.key();
        return publisher.sendRecord(record.outputs(), topic(sourceTopic, attempts), origin.partition(),
                key == null ? null : key.toString(), value, headers);
    }

    private static String value(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String required(Headers headers, String name) {
        String value = value(headers, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("header " + name + " is missing");
        }
        return value;
    }

    private static <T> T number(Headers headers, String name, Function<String, T> parser) {
        String value = required(headers, name);
        try {
            return parser.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + name + " is not a number: " + value);
        }
    }
}
