package io.quarkiverse.kafkaevents.runtime.dev;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.failure.DeadLetters;
import io.quarkiverse.kafkaevents.runtime.internal.failure.replay.DeadLetterRecordReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The Dev UI's back end for the dead letters of one topic, record by record (a JSON-RPC provider in dev mode only):
 * the newest records of its dead-letter topic with the headers saying why each failed, and replays of one record or
 * of a time window. Reads with a short-lived consumer (no group, nothing committed); every read is bounded in
 * records and time.
 */
public class DeadLetterRecordsJsonRpcService {

    /** The most records one call returns. */
    static final int MAX_RECORDS = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int VALUE_PREVIEW = 2000;

    private final Map<String, Object> kafkaConfig;
    private final HandlerDispatcher dispatcher;
    private final DeadLetterRecordReplayer recordReplayer;
    private final DeadLetterReplayer replayer;

    DeadLetterRecordsJsonRpcService(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            HandlerDispatcher dispatcher, DeadLetterRecordReplayer recordReplayer, DeadLetterReplayer replayer) {
        this.kafkaConfig = kafkaConfig;
        this.dispatcher = dispatcher;
        this.recordReplayer = recordReplayer;
        this.replayer = replayer;
    }

    /**
     * Replays the one record at {@code offset} of {@code partition} of {@code topic}'s dead-letter topic to
     * {@code topic}, for the group that dead-lettered it.
     *
     * @return its CloudEvents id
     */
    public Uni<String> replayRecord(String topic, int partition, long offset) {
        if (topic == null || !consumed(topic)) {
            return Uni.createFrom().failure(new IllegalArgumentException("Unknown topic '" + topic
                    + "': the application consumes " + dispatcher.topics().values()));
        }
        return recordReplayer.replay(topic, partition, offset);
    }

    /**
     * Replays the records dead-lettered from {@code topic} between {@code from} (included) and {@code to} (excluded),
     * ISO-8601 instants such as {@code 2026-12-07T10:15:30Z}, at most {@code max} of them.
     *
     * @return the number of records replayed
     */
    public Uni<Integer> replayWindow(String topic, String from, String to, int max) {
        if (topic == null || !consumed(topic)) {
            return Uni.createFrom().failure(new IllegalArgumentException("Unknown topic '" + topic
                    + "': the application consumes " + dispatcher.topics().values()));
        }
        if (max <= 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("max must be positive, was " + max));
        }
        Instant start;
        Instant end;
        try {
            start = Instant.parse(from);
            end = Instant.parse(to);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("from and to must be ISO-8601 instants"
                    + " such as 2026-12-07T10:15:30Z, were '" + from + "' and '" + to + "'"));
        }
        if (!start.isBefore(end)) {
            return Uni.createFrom().failure(new IllegalArgumentException("from (" + from + ") must be before to ("
                    + to + ")"));
        }
        return replayer.replay(topic, start, end, max);
    }

    /**
     * The newest {@code max} records (at most {@value #MAX_RECORDS}) of {@code topic}'s dead-letter topic, newest
     * first: {@code partition}, {@code offset}, {@code deadLettered} (the record's timestamp), {@code key},
     * {@code id} and {@code type} (CloudEvents), {@code reason}, {@code exceptionClass}, {@code exceptionMessage},
     * {@code attempts}, {@code firstFailure}, {@code group}, {@code originalPartition}, {@code originalOffset} and
     * {@code value} (the first 2000 characters, as UTF-8).
     */
    public Uni<List<Map<String, Object>>> getDeadLetters(String topic, int max) {
        if (max <= 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("max must be positive, was " + max));
        }
        if (topic == null || !consumed(topic)) {
            return Uni.createFrom().failure(new IllegalArgumentException("Unknown topic '" + topic
                    + "': the application consumes " + dispatcher.topics().values()));
        }
        String deadLetterTopic = dispatcher.deadLetterTopic(topic);
        if (deadLetterTopic == null) {
            return Uni.createFrom().failure(new IllegalStateException("Topic '" + topic
                    + "' has no dead-letter topic: quarkus.kafka-events.failure.dead-letter.enabled=false"));
        }
        int bounded = Math.min(max, MAX_RECORDS);
        return Uni.createFrom().item(() -> read(deadLetterTopic, bounded))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private boolean consumed(String topic) {
        for (var topics : dispatcher.topics().values()) {
            if (topics.contains(topic)) {
                return true;
            }
        }
        return false;
    }

    private List<Map<String, Object>> read(String deadLetterTopic, int max) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-events-dev-ui-dead-letters");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(deadLetterTopic, TIMEOUT)) {
                partitions.add(new TopicPartition(deadLetterTopic, info.partition()));
            }
            if (partitions.isEmpty()) {
                return List.of(); // not created yet: nothing dead-lettered
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            List<TopicPartition> active = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                // the newest 'max' of each partition: the newest 'max' of the topic are among them
                long from = Math.max(begin.get(partition), end.get(partition) - max);
                if (from < end.get(partition)) {
                    consumer.seek(partition, from);
                    active.add(partition);
                } else {
                    consumer.pause(List.of(partition));
                }
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!active.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
                for (TopicPartition partition : List.copyOf(active)) {
                    if (consumer.position(partition) >= end.get(partition)) {
                        active.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
            }
        }
        records.sort(Comparator.comparingLong((ConsumerRecord<String, byte[]> r) -> r.timestamp()).reversed()
                .thenComparing(ConsumerRecord::partition).thenComparing(ConsumerRecord::offset));
        List<Map<String, Object>> rows = new ArrayList<>(Math.min(max, records.size()));
        for (ConsumerRecord<String, byte[]> record : records.subList(0, Math.min(max, records.size()))) {
            rows.add(row(record));
        }
        return rows;
    }

    private static Map<String, Object> row(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("partition", record.partition());
        row.put("offset", record.offset());
        row.put("deadLettered", Instant.ofEpochMilli(record.timestamp()).toString());
        row.put("key", record.key());
        row.put("id", header(record, "ce_id"));
        row.put("type", header(record, "ce_type"));
        row.put("reason", header(record, DeadLetters.PREFIX + "reason"));
        row.put("exceptionClass", header(record, DeadLetters.PREFIX + "exception-class"));
        row.put("exceptionMessage", header(record, DeadLetters.PREFIX + "exception-message"));
        String attempts = header(record, DeadLetters.PREFIX + "attempts");
        row.put("attempts", attempts == null ? null : Integer.valueOf(attempts));
        row.put("firstFailure", header(record, DeadLetters.PREFIX + "first-failure-time"));
        row.put("group", header(record, DeadLetters.GROUP));
        row.put("originalPartition", header(record, DeadLetters.PREFIX + "original-partition"));
        row.put("originalOffset", header(record, DeadLetters.PREFIX + "original-offset"));
        String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        row.put("value", value == null || value.length() <= VALUE_PREVIEW ? value
                : value.substring(0, VALUE_PREVIEW) + "...");
        return row;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
