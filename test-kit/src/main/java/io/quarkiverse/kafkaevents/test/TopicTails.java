package io.quarkiverse.kafkaevents.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer (no group, {@code read_committed}) reading the application's topics from a baseline: the end offsets
 * when the test started ({@link #reset()}). Records read since the baseline are kept per topic. Not thread-safe: the
 * recorder calls it under its lock.
 */
final class TopicTails implements AutoCloseable {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> topics = new TreeSet<>();
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<TopicPartition, Long> baseline = new HashMap<>();
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
    private Map<TopicPartition, Long> ends = Map.of();

    TopicTails(Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>();
        for (Map.Entry<String, Object> entry : kafkaConfig.entrySet()) {
            if (ConsumerConfig.configNames().contains(entry.getKey())) {
                config.put(entry.getKey(), entry.getValue());
            }
        }
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-events-test-kit");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads these topics too (those that exist), from their current end. */
    void watch(Collection<String> names) {
        List<TopicPartition> added = new ArrayList<>();
        for (String name : names) {
            if (topics.add(name)) {
                List<PartitionInfo> infos = consumer.partitionsFor(name, METADATA_TIMEOUT);
                if (infos != null) {
                    for (PartitionInfo info : infos) {
                        added.add(new TopicPartition(info.topic(), info.partition()));
                    }
                }
            }
        }
        if (added.isEmpty()) {
            return;
        }
        partitions.addAll(added);
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(added, METADATA_TIMEOUT);
        for (TopicPartition partition : added) {
            long offset = end.get(partition);
            baseline.put(partition, offset);
            consumer.seek(partition, offset);
        }
    }

    /** Forgets what was read: the baseline becomes the current end of every topic. */
    void reset() {
        records.clear();
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        for (TopicPartition partition : partitions) {
            long offset = end.get(partition);
            baseline.put(partition, offset);
            consumer.seek(partition, offset);
        }
        ends = end;
    }

    /** Reads every partition up to its current (last stable) end offset, for at most {@code max}. */
    void catchUp(Duration max) {
        if (partitions.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + max.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        while (behind(end)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Kafka Events test kit: could not read " + topics + " to their end within "
                        + max.toMillis() + " ms");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                records.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
            }
        }
        ends = end;
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition, METADATA_TIMEOUT) < end.get(partition)) {
                return true;
            }
        }
        return false;
    }

    /** The records of a topic read since the baseline, in the order read. */
    List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return List.copyOf(records.getOrDefault(topic, List.of()));
    }

    /** The end offsets seen by the last {@link #catchUp} or {@link #reset}. */
    Map<TopicPartition, Long> ends() {
        return Map.copyOf(ends);
    }

    /** The partitions of a topic that is read. */
    List<TopicPartition> partitionsOf(String topic) {
        List<TopicPartition> of = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(topic)) {
                of.add(partition);
            }
        }
        return of;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
