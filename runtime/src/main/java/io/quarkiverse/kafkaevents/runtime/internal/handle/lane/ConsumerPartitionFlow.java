package io.quarkiverse.kafkaevents.runtime.internal.handle.lane;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Pauses and resumes one partition on whichever of the channel's consumers it is assigned to, on the consumer's
 * polling thread.
 */
public record ConsumerPartitionFlow(KafkaClientService clients, String channel) implements PartitionLanes.Flow {

    private static final Logger LOG = Logger.getLogger(ConsumerPartitionFlow.class);

    @Override
    public void pause(TopicPartition partition) {
        LOG.debugf("Pausing partition %s of channel %s: its records are waiting", partition, channel);
        run(partition, consumer -> consumer.pause(List.of(partition)));
    }

    @Override
    public void resume(TopicPartition partition) {
        LOG.debugf("Resuming partition %s of channel %s", partition, channel);
        run(partition, consumer -> consumer.resume(List.of(partition)));
    }

    private void run(TopicPartition partition, java.util.function.Consumer<Consumer<Object, Object>> action) {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers == null) {
            return;
        }
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            consumer.runOnPollingThread(c -> {
                if (c.assignment().contains(partition)) {
                    action.accept(c);
                }
            }).subscribe().with(ignored -> {
            }, failure -> LOG.debugf(failure, "Could not pause or resume partition %s of channel %s", partition,
                    channel));
        }
    }
}
