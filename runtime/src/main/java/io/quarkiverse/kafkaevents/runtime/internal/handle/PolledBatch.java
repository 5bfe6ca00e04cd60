package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The records of one poll, as SmallRye hands them to a handler channel in batch mode: each is queued in the lane of
 * its partition like a record of its own, so SmallRye's per-message cost (stream, context capture, method call) is
 * paid once per poll. The batch itself is never acknowledged: each record is tracked and committed on its own
 * ({@link OffsetCommits}).
 */
final class PolledBatch {

    private static final Logger LOG = Logger.getLogger(PolledBatch.class);

    private PolledBatch() {
    }

    /**
     * Queues the poll's records; the returned {@code Uni} completes when all are queued (at once, unless the channel's
     * lanes are full).
     */
    static Uni<Void> dispatch(HandlerDispatcher dispatcher, String channel, Message<?> message) {
        if (!(message instanceof KafkaRecordBatch<?, ?> batch)) {
            LOG.errorf("Kafka Events received a message on channel %s that is not a batch of Kafka records; "
                    + "acknowledging it", channel);
            return Uni.createFrom().completionStage(message.ack());
        }
        Uni<Void> admitted = PartitionLanes.DONE;
        if (dispatcher.batched(channel)) {
            // a channel with batch handlers: the records of each partition as one task
            Map<TopicPartition, List<Message<byte[]>>> byPartition = new LinkedHashMap<>();
            for (KafkaRecord<?, ?> record : batch.getRecords()) {
                byPartition.computeIfAbsent(new TopicPartition(record.getTopic(), record.getPartition()),
                        p -> new ArrayList<>()).add(bytes(record));
            }
            for (Map.Entry<TopicPartition, List<Message<byte[]>>> run : byPartition.entrySet()) {
                admitted = later(admitted, dispatcher.dispatchRun(channel, run.getKey(), run.getValue()));
            }
            return admitted;
        }
        for (KafkaRecord<?, ?> record : batch.getRecords()) {
            admitted = later(admitted, dispatcher.dispatch(channel, bytes(record)));
        }
        return admitted;
    }

    /** Admissions complete in queueing order: the last one waited for stands for all. */
    private static Uni<Void> later(Uni<Void> admitted, Uni<Void> queued) {
        return queued != PartitionLanes.DONE ? queued : admitted;
    }

    @SuppressWarnings("unchecked")
    private static Message<byte[]> bytes(KafkaRecord<?, ?> record) {
        return (Message<byte[]>) record;
    }
}
