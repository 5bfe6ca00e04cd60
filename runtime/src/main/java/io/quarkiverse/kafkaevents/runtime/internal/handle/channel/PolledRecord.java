package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.PartitionOffsets;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.RecordOutputs;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionProgress;
import io.smallrye.mutiny.Uni;

/**
 * One record of a handler channel as the consumer polled it (no per-record SmallRye message is read): what it carries,
 * where it is, the progress slot of its lane, and finishing it. Finishing a record lets its partition's committed
 * offset move past it ({@link PartitionOffsets}); a record never finished is delivered again to the partition's next
 * owner.
 */
public final class PolledRecord {

    private final ConsumerRecord<?, ?> record;
    private final TopicPartition partition;
    private final PartitionOffsets offsets;
    private final PartitionProgress.Slot progress;
    private final RecordOutputs outputs;

    public PolledRecord(ConsumerRecord<?, ?> record, TopicPartition partition, PartitionOffsets offsets,
            PartitionProgress.Slot progress) {
        this(record, partition, offsets, progress, null);
    }

    /** @param outputs what the record's handlers write in their Kafka transaction; {@code null} without one */
    public PolledRecord(ConsumerRecord<?, ?> record, TopicPartition partition, PartitionOffsets offsets,
            PartitionProgress.Slot progress, RecordOutputs outputs) {
        this.record = record;
        this.partition = partition;
        this.offsets = offsets;
        this.progress = progress;
        this.outputs = outputs;
    }

    /**
     * Where the record's handlers write in their Kafka transaction (events they publish, dead-letter and retry
     * records), or {@code null} when they are not in one.
     */
    public RecordOutputs outputs() {
        return outputs;
    }

    public String topic() {
        return record.topic();
    }

    public int partition() {
        return record.partition();
    }

    public long offset() {
        return record.offset();
    }

    /** The record's partition (one instance for the records of a partition from one poll). */
    public TopicPartition topicPartition() {
        return partition;
    }

    public Object key() {
        return record.key();
    }

    public Headers headers() {
        return record.headers();
    }

    /** The value as the channel's deserializer left it: bytes. */
    public byte[] value() {
        return (byte[]) record.value();
    }

    /** The record's timestamp in milliseconds, or a negative value when it has none. */
    public long timestampMillis() {
        return record.timestamp();
    }

    /** The record's timestamp, or {@code null} when it has none. */
    public Instant timestamp() {
        long millis = record.timestamp();
        return millis < 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** The Kafka record itself (for the tracing context in its headers). */
    public ConsumerRecord<?, ?> consumerRecord() {
        return record;
    }

    /** What the lane of this record is doing, for the liveness check and the stalled partitions' description. */
    public PartitionProgress.Slot progress() {
        return progress;
    }

    /**
     * The record was handled, skipped or dead-lettered (or moved to a retry topic): the committable offset of its
     * partition may move past it. Returns {@link PartitionLanes#DONE}.
     */
    public Uni<Void> finish() {
        if (outputs != null) {
            outputs.finish(offsets, record.offset());
            return PartitionLanes.DONE;
        }
        offsets.finished(record.offset());
        return PartitionLanes.DONE;
    }

    /** Whether the record is still to be finished (not handled, skipped or dead-lettered yet). */
    public boolean pending() {
        return offsets.pending(record.offset());
    }

    @Override
    public String toString() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
