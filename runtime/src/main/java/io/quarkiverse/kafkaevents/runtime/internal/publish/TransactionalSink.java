package io.quarkiverse.kafkaevents.runtime.internal.publish;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where the records a handler in a Kafka transaction writes go instead of the publisher's producer: the events it
 * publishes, its dead-letter and retry records. They are sent in the transaction of its consumer, with the consumed
 * offset, once its record is finished; the records of a failed call are dropped ({@link #truncate}).
 */
public interface TransactionalSink {

    /** Enlists the record; it is sent when the handled record is finished and visible once the transaction commits. */
    void add(ProducerRecord<String, byte[]> record);

    /** How many records are enlisted (a mark before a handler call). */
    int size();

    /** Drops the records enlisted after the mark: those of a handler call that failed. */
    void truncate(int size);
}
