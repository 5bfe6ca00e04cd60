package io.quarkiverse.kafkaevents.deployment.commits;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongPredicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a group's committed offset of a partition, and the partition's end, as the broker has them; and joins a group
 * to take a partition over.
 */
public final class CommitSupport implements AutoCloseable {

    private final Admin admin;

    public CommitSupport(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        this.admin = Admin.create(props);
    }

    /** The committed offset, or -1 when the group committed none for the partition. */
    public long committed(String group, TopicPartition partition) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(partition);
        return offset == null ? -1 : offset.offset();
    }

    /** The partition's end offset (the offset its next record gets). */
    public long endOffset(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
    }

    /** Polls the committed offset until it satisfies the condition or the timeout passes; returns the last one read. */
    public long awaitCommitted(String group, TopicPartition partition, LongPredicate condition, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long committed = committed(group, partition);
        while (!condition.test(committed) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            committed = committed(group, partition);
        }
        return committed;
    }

    /**
     * A plain consumer joining the group, subscribed to the topic, with a client id that sorts first, so that the range
     * assignor gives it a topic's only partition: it takes the partition over from the application. It never commits.
     */
    public static KafkaConsumer<String, byte[]> takeOver(String bootstrap, String group, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "aaa-new-owner");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    @Override
    public void close() {
        admin.close();
    }
}
