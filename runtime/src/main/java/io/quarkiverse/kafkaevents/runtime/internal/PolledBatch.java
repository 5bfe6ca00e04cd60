package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The records of one poll, as SmallRye hands them to a handler channel in batch mode: each is queued in the lane of
 * its partition like a record of its own, so SmallRye's per-message cost (stream, context capture, method call) is
 * paid once per poll.
 * <p>
 * In batch mode SmallRye's {@code throttled} commit strategy tracks only the poll's last record of each partition. So a
 * record's acknowledgement counts down its partition's share of the poll, and the last record of the partition is
 * acknowledged once all of them were: offsets never move past a record not handled, in whatever order the lanes finish
 * (ordering by key), and a partition waits for its own records only. A record left unacknowledged (revoked partition,
 * shutdown) holds back the commit of its partition, as it should.
 */
final class PolledBatch {

    private static final Logger LOG = Logger.getLogger(PolledBatch.class);
    private static final CompletionStage<Void> COUNTED = CompletableFuture.completedFuture(null);

    /** One partition's records of the poll: acknowledges the last one when all are. */
    private static final class PartitionAck {
        private final KafkaRecord<?, ?> last;
        private final AtomicInteger remaining = new AtomicInteger();

        PartitionAck(KafkaRecord<?, ?> last) {
            this.last = last;
        }

        CompletionStage<Void> acknowledged() {
            return remaining.decrementAndGet() == 0 ? last.ack() : COUNTED;
        }
    }

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
        Map<TopicPartition, PartitionAck> acks = new HashMap<>();
        for (Map.Entry<TopicPartition, ? extends KafkaRecord<?, ?>> last : batch.getLatestOffsetRecords().entrySet()) {
            acks.put(last.getKey(), new PartitionAck(last.getValue()));
        }
        for (KafkaRecord<?, ?> record : batch.getRecords()) {
            acks.get(new TopicPartition(record.getTopic(), record.getPartition())).remaining.incrementAndGet();
        }
        Uni<Void> admitted = PartitionLanes.DONE;
        for (KafkaRecord<?, ?> record : batch.getRecords()) {
            PartitionAck ack = acks.get(new TopicPartition(record.getTopic(), record.getPartition()));
            @SuppressWarnings("unchecked")
            Message<byte[]> one = (Message<byte[]>) record.withAck(ack::acknowledged);
            Uni<Void> queued = dispatcher.dispatch(channel, one);
            if (queued != PartitionLanes.DONE) {
                // admissions complete in queueing order: the last one waited for stands for all
                admitted = queued;
            }
        }
        return admitted;
    }
}
