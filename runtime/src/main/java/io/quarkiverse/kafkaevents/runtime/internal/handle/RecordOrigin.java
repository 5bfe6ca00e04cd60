package io.quarkiverse.kafkaevents.runtime.internal.handle;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Where an event was first read: its topic, partition and offset. A record redelivered from a retry topic keeps the
 * origin of the record that failed first.
 */
public record RecordOrigin(String topic, int partition, long offset) {

    static RecordOrigin of(IncomingKafkaRecordMetadata<?, ?> record) {
        return new RecordOrigin(record.getTopic(), record.getPartition(), record.getOffset());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
