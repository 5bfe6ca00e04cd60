package io.quarkiverse.kafkaevents.runtime.internal;

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
        for (KafkaRecord<?, ?> record : batch.getRecords()) {
            @SuppressWarnings("unchecked")
            Message<byte[]> one = (Message<byte[]>) record;
            Uni<Void> queued = dispatcher.dispatch(channel, one);
            if (queued != PartitionLanes.DONE) {
                // admissions complete in queueing order: the last one waited for stands for all
                admitted = queued;
            }
        }
        return admitted;
    }
}
