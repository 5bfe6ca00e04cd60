package io.quarkiverse.kafkaevents.deployment.commits;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongPredicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads a group's committed offset of a partition, and the partition's end, as the broker has them. */
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

    @Override
    public void close() {
        admin.close();
    }
}
