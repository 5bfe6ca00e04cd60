package io.quarkiverse.kafkaevents.runtime.internal.handle;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.OffsetCommits;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * The records of one poll, as SmallRye hands them to a handler channel in batch mode. The poll's
 * {@link ConsumerRecords} are read from the batch's metadata and queued partition by partition
 * ({@link HandlerDispatcher#dispatch(String, TopicPartition, java.util.List)}): SmallRye's per-message cost (stream,
 * context capture, method call) is paid once per poll, and its per-record messages are never read. The batch itself
 * is never acknowledged: each record is tracked and committed on its own ({@link OffsetCommits}).
 */
public final class PolledBatch {

    private static final Logger LOG = Logger.getLogger(PolledBatch.class);

    private PolledBatch() {
    }

    /**
     * Queues the poll's records; the returned {@code Uni} completes when all are queued (at once, unless the channel's
     * lanes are full).
     */
    static Uni<Void> dispatch(HandlerDispatcher dispatcher, String channel, Message<?> message) {
        IncomingKafkaRecordBatchMetadata<?, ?> batch = message.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .orElse(null);
        if (batch == null) {
            LOG.errorf("Kafka Events received a message on channel %s that is not a batch of Kafka records; "
                    + "acknowledging it", channel);
            return Uni.createFrom().completionStage(message.ack());
        }
        ConsumerRecords<?, ?> records = batch.getRecords();
        Uni<Void> admitted = PartitionLanes.DONE;
        for (TopicPartition partition : records.partitions()) {
            Uni<Void> queued = dispatcher.dispatch(channel, partition, records.records(partition));
            // admissions complete in queueing order: the last one waited for stands for all
            admitted = queued != PartitionLanes.DONE ? queued : admitted;
        }
        return admitted;
    }
}
