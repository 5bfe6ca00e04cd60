package io.quarkiverse.kafkaevents.runtime.internal.handle;

/**
 * Where an event was first read: its topic, partition and offset. A record redelivered from a retry topic keeps the
 * origin of the record that failed first.
 */
public record RecordOrigin(String topic, int partition, long offset) {

    static RecordOrigin of(PolledRecord record) {
        return new RecordOrigin(record.topic(), record.partition(), record.offset());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
