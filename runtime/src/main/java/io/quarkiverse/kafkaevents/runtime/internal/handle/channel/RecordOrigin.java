package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

/**
 * Where an event was first read: its topic, partition, offset and record timestamp (epoch milliseconds, {@code -1} when
 * the record had none). A record redelivered from a retry topic keeps the origin of the record that failed first.
 */
public record RecordOrigin(String topic, int partition, long offset, long timestamp) {

    public static RecordOrigin of(PolledRecord record) {
        return new RecordOrigin(record.topic(), record.partition(), record.offset(), record.timestampMillis());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
