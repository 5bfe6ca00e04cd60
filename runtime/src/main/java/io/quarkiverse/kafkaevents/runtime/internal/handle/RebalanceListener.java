package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the dispatcher which partitions this instance gives up, so that what was handled of them is committed (on the
 * polling thread, before the new owner starts) and records of them still queued, or waiting for a retry, are dropped
 * instead of handled a second time next to their new owner; keeps each consumer's partitions for the health checks
 * ({@link ConsumerAssignments}). Used by every handler channel.
 */
@ApplicationScoped
@Identifier(RebalanceListener.NAME)
public class RebalanceListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "kafka-events-rebalance-listener";

    private final HandlerDispatcher dispatcher;
    private final ConsumerAssignments assignments;

    RebalanceListener(HandlerDispatcher dispatcher, ConsumerAssignments assignments) {
        this.dispatcher = dispatcher;
        this.assignments = assignments;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.added(consumer, consumer.groupMetadata().groupId(), partitions);
        dispatcher.topology().assigned(consumer, consumer.groupMetadata().groupId(), partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.removed(consumer, consumer.groupMetadata().groupId(), partitions);
        dispatcher.revoked(consumer, consumer.groupMetadata().groupId(), partitions, false);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.removed(consumer, consumer.groupMetadata().groupId(), partitions);
        dispatcher.revoked(consumer, consumer.groupMetadata().groupId(), partitions, true);
    }
}
