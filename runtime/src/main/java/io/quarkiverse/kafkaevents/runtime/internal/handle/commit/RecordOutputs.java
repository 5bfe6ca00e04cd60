package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import io.quarkiverse.kafkaevents.runtime.internal.publish.TransactionalSink;

/**
 * What the handlers of one record in a Kafka transaction wrote (events published, dead-letter or retry records),
 * held until the record is finished: then handed to its consumer's transaction together with the record's offset
 * ({@link ChannelTransactions#finish}), so the transaction that makes them visible also commits the offset past the
 * record. Used by one record at a time (its lane runs one call at a time).
 */
public final class RecordOutputs implements TransactionalSink {

    private final ChannelTransactions transactions;
    private final TopicPartition partition;
    private final BooleanSupplier revoked;
    private List<ProducerRecord<String, byte[]>> records = List.of();

    RecordOutputs(ChannelTransactions transactions, TopicPartition partition, BooleanSupplier revoked) {
        this.transactions = transactions;
        this.partition = partition;
        this.revoked = revoked;
    }

    @Override
    public void add(ProducerRecord<String, byte[]> record) {
        if (records.isEmpty()) {
            records = new ArrayList<>(2);
        }
        records.add(record);
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public void truncate(int size) {
        while (records.size() > size) {
            records.remove(records.size() - 1);
        }
    }

    /**
     * The record is finished: its outputs go to its consumer's transaction and {@code finished} marks its offset, both
     * under the transaction's lock; dropped when its partition was revoked meanwhile (its next owner handles it).
     */
    public void finish(PartitionOffsets offsets, long offset) {
        transactions.finish(partition, records, revoked, offsets, offset);
        records = List.of();
    }
}
