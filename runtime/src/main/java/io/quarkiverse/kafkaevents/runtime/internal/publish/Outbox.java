package io.quarkiverse.kafkaevents.runtime.internal.publish;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The transactional outbox: a bean only when the application has a JDBC datasource and a JTA transaction manager, so
 * that the publisher never touches JDBC or transaction classes otherwise.
 */
public interface Outbox {

    /**
     * Writes the record to the outbox table in the caller's transaction (in a transaction of its own when there is
     * none). It is sent right after the commit and its row deleted once the broker acknowledged it; rows nobody sent are
     * sent by the relay. Blocking (JDBC): call it from a worker thread.
     *
     * @param id the CloudEvents id of the event, the row's key
     */
    void write(String id, ProducerRecord<String, byte[]> record);

    /**
     * Pending rows, failed rows, and the age of the oldest pending row in milliseconds, read at most every two
     * seconds; {@code null} when the outbox is not used or the table cannot be read.
     */
    long[] backlog();

    /** Rows sent and acknowledged since start-up (fast path and relay). */
    long relayed();

    /** Rows the broker refused for good since start-up (marked failed). */
    long refused();

    /** The outbox's wellness check is DOWN when the oldest pending row is older than this, in milliseconds. */
    long lagThresholdMillis();
}
