package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The outbox rows one transaction wrote, and what happens to them as it completes. Before the commit (still inside the
 * transaction, on its connection) the rows that have a key are numbered in commit order: the transaction takes the
 * lock of each of their keys, in one fixed order, and gives its rows fresh sequence numbers; the locks are held only
 * from there to the end of the commit. So no key lock is held across the caller's work (two transactions writing keys
 * in opposite orders cannot deadlock, and a hot key does not serialize its transactions), while the rows of one key
 * still reach the topic in the order their transactions committed. After the commit the rows are handed to the fast
 * path.
 */
final class OutboxCommit implements Synchronization {

    /** One row written in the transaction, as it is sent by the fast path. */
    record Written(String id, ProducerRecord<String, byte[]> record, String trace) {
    }

    private final OutboxStore store;
    private final Consumer<List<Written>> afterCommit;
    private final List<Written> written = new ArrayList<>();

    OutboxCommit(OutboxStore store, Consumer<List<Written>> afterCommit) {
        this.store = store;
        this.afterCommit = afterCommit;
    }

    void add(String id, ProducerRecord<String, byte[]> record, String trace) {
        written.add(new Written(id, record, trace));
    }

    @Override
    public void beforeCompletion() {
        List<String> keys = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Written row : written) {
            if (row.record().key() != null) {
                keys.add(row.record().key());
                ids.add(row.id());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            store.sequence(keys, ids);
        } catch (SQLException e) {
            // thrown here, the transaction rolls back: the caller's commit fails with this cause
            throw new IllegalStateException("Could not put the outbox rows " + ids + " of table " + store.table()
                    + " in commit order: " + e.getMessage(), e);
        }
    }

    @Override
    public void afterCompletion(int outcome) {
        if (outcome == Status.STATUS_COMMITTED) {
            afterCommit.accept(written);
        }
    }
}
