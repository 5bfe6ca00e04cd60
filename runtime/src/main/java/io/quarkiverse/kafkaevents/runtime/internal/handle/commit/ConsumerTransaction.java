package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jboss.logging.Logger;

/**
 * The Kafka transaction of one consumer of a channel: one transactional producer, in which the outputs of the records
 * its partitions finish are sent, and whose commit also commits the consumed offsets
 * ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a consumer whose group moved on cannot
 * commit). Committed on the consumer's polling thread, every {@code commit-interval} or after {@code max-records}.
 * <p>
 * The outputs of a transaction are kept until it commits: when it is aborted (an abortable error) they are sent again
 * in the next one with the same offsets, so no record is handled twice for it. When the producer is fenced or a
 * commit's outcome cannot be known, this consumer's partitions start again from the offsets the broker holds
 * ({@link ChannelTransactions#rewind}).
 */
final class ConsumerTransaction {

    private static final Logger LOG = Logger.getLogger(ConsumerTransaction.class);
    private static final int COMMIT_TRIES = 3;
    private static final long MAX_PRODUCER_BACKOFF_MILLIS = 30_000;

    private final ChannelTransactions owner;
    private final String transactionalId;
    /** The outputs sent (or to send) in the open transaction, per partition, until it commits. */
    private final Map<TopicPartition, List<ProducerRecord<String, byte[]>>> retained = new LinkedHashMap<>();
    private Producer<String, byte[]> producer;
    private boolean open;
    /** The retained outputs are not in the open transaction (it was aborted, or none could begin): send them first. */
    private boolean resend;
    private int retainedCount;
    private int sinceCommit;
    /** After shutdown: no producer is made any more. */
    private boolean closed;
    /** Aborts since the last commit (a consumer whose group moved on aborts each round until it rejoins). */
    private int abortsInARow;
    /** Producers given up since the last commit, and when the next one may be made. */
    private int fatalInARow;
    private long nextProducerAt;

    ConsumerTransaction(ChannelTransactions owner, String transactionalId) {
        this.owner = owner;
        this.transactionalId = transactionalId;
    }

    String transactionalId() {
        return transactionalId;
    }

    /**
     * A record finished: its outputs join the open transaction (sent at once when it is healthy, else at the next
     * commit) and its offset is marked finished, under this lock, so a commit sees both or neither.
     */
    synchronized void finish(TopicPartition partition, List<ProducerRecord<String, byte[]>> records,
            BooleanSupplier revoked, PartitionOffsets offsets, long offset) {
        while (retainedCount >= owner.maxRetained() && !revoked.getAsBoolean()) {
            // commits are failing: the lane waits (its partition shows as stalled) rather than hold without bound
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (revoked.getAsBoolean()) {
            return; // the partition's next owner (or this consumer, after a rewind) handles the record again
        }
        if (!records.isEmpty()) {
            if (!resend) {
                try {
                    begin(); // a new producer finds earlier outputs to send again (resend)
                    if (!resend) {
                        for (ProducerRecord<String, byte[]> record : records) {
                            send(record);
                        }
                    }
                } catch (KafkaException | IllegalStateException e) {
                    // the commit finds the transaction failed, aborts it and sends what is retained again
                    LOG.debugf("Sending in the transaction %s failed: %s", transactionalId, e.toString());
                    resend = true;
                }
            }
            retained.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records);
            retainedCount += records.size();
        }
        offsets.finished(offset);
        if (++sinceCommit >= owner.maxRecords()) {
            sinceCommit = 0;
            owner.commitSoon(this);
        }
    }

    /**
     * Commits, on the consumer's polling thread: the retained outputs (sent again first after an abort) and the offsets
     * finished since the last commit, in one transaction.
     */
    synchronized void commit(Consumer<?, ?> consumer, OffsetCommits commits, Collection<TopicPartition> owned) {
        if (producer == null && System.currentTimeMillis() < nextProducerAt) {
            return; // a producer gave up: the next one is made after its backoff
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = commits.due(owned);
        if (offsets.isEmpty() && retainedCount == 0 && !open) {
            return;
        }
        try {
            begin();
            if (resend) {
                resend = false;
                for (List<ProducerRecord<String, byte[]>> records : retained.values()) {
                    for (ProducerRecord<String, byte[]> record : records) {
                        send(record);
                    }
                }
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            commitOrGiveUp();
            open = false;
            commits.confirmed(offsets);
            owner.counted(ChannelTransactions.Outcome.COMMITTED);
            abortsInARow = 0;
            fatalInARow = 0;
            clear();
            LOG.tracef("Committed transaction %s with offsets %s", transactionalId, offsets);
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException
                | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException
                | CommitOutcomeUnknown e) {
            commits.failed(offsets);
            fatalInARow++;
            // a producer that cannot go on is made again only after a backoff (0.5 s, doubling up to 30 s): a cause
            // that lasts (a missing ACL on the transactional id, say) must not rewind and handle the records again
            // every commit interval
            long backoff = Math.min(MAX_PRODUCER_BACKOFF_MILLIS, 500L << Math.min(fatalInARow - 1, 10));
            nextProducerAt = System.currentTimeMillis() + backoff;
            if (Integer.bitCount(fatalInARow) == 1) {
                LOG.errorf("Kafka Events: the Kafka transaction %s of channel %s cannot go on (%s; %d in a row); its"
                        + " records are handled again from the offsets the broker committed, with a new producer in"
                        + " %d ms%s", transactionalId, owner.channel(), e.toString(), fatalInARow, backoff,
                        e instanceof ProducerFencedException
                                ? " (another producer took this transactional.id: a second instance with the same"
                                        + " quarkus.kafka-events.instance-id, or this one paused too long)"
                                : "");
            }
            owner.counted(ChannelTransactions.Outcome.FENCED);
            closeProducer();
            clear();
            owner.rewind(consumer, owned);
        } catch (KafkaException | IllegalStateException e) {
            commits.failed(offsets);
            owner.counted(ChannelTransactions.Outcome.ABORTED);
            abortsInARow++;
            if (Integer.bitCount(abortsInARow) == 1) {
                // 1, 2, 4, 8, ... in a row: a group that moved on makes every round abort until the consumer rejoins
                LOG.warnf("Kafka Events aborted the Kafka transaction %s of channel %s (%s; %d in a row); its %d"
                        + " record(s) are sent again with the same offsets in the next one", transactionalId,
                        owner.channel(), e.toString(), abortsInARow, retainedCount);
            }
            abort();
            if (e instanceof CommitFailedException) {
                // the group coordinator does not know this member's generation: rejoin now rather than at the next
                // heartbeat; partitions it lost are dropped with what they wrote (onPartitionsLost)
                try {
                    consumer.enforceRebalance();
                } catch (RuntimeException ignored) {
                    // not a member at the moment: the next poll rejoins anyway
                }
            }
        }
    }

    /** Partitions revoked or lost: their retained outputs go (their records are handled by the next owner). */
    synchronized void forget(Collection<TopicPartition> partitions) {
        boolean any = false;
        for (TopicPartition partition : partitions) {
            List<ProducerRecord<String, byte[]>> dropped = retained.remove(partition);
            if (dropped != null) {
                retainedCount -= dropped.size();
                any = true;
            }
        }
        if (any && open) {
            abort(); // the rest is sent again in the next transaction
        }
        notifyAll();
    }

    synchronized void close(Duration timeout) {
        closed = true;
        closeQuietly(timeout);
    }

    private void closeQuietly(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                LOG.debugf("Closing the transactional producer %s: %s", transactionalId, e.toString());
            }
            producer = null;
        }
    }

    private void begin() {
        if (producer == null) {
            if (closed) {
                throw new IllegalStateException("the application is stopping: transaction " + transactionalId
                        + " closed");
            }
            if (System.currentTimeMillis() < nextProducerAt) {
                throw new IllegalStateException("the producer of transaction " + transactionalId + " is made again"
                        + " after its backoff");
            }
            producer = owner.newProducer(transactionalId);
            resend = retainedCount > 0;
        }
        if (!open) {
            producer.beginTransaction();
            open = true;
        }
    }

    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                LOG.debugf("A send of transaction %s failed: %s", transactionalId, failure.toString());
            }
        });
    }

    /** Commits, trying again on a timeout (the outcome is unknown then, and a second call completes it). */
    private void commitOrGiveUp() {
        for (int tries = 1;; tries++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (tries == COMMIT_TRIES) {
                    throw new CommitOutcomeUnknown(e);
                }
            }
        }
    }

    private void abort() {
        resend = retainedCount > 0;
        if (!open || producer == null) {
            open = false;
            return;
        }
        try {
            producer.abortTransaction();
            open = false;
        } catch (KafkaException | IllegalStateException e) {
            LOG.warnf("Kafka Events could not abort the Kafka transaction %s (%s); a new producer takes over",
                    transactionalId, e.toString());
            closeProducer();
        }
    }

    private void closeProducer() {
        open = false;
        closeQuietly(Duration.ZERO);
    }

    private void clear() {
        retained.clear();
        retainedCount = 0;
        resend = false;
        notifyAll();
    }

    /** A commit timed out again and again: whether it happened is not known. */
    static final class CommitOutcomeUnknown extends KafkaException {
        CommitOutcomeUnknown(Throwable cause) {
            super("the commit of the transaction timed out " + COMMIT_TRIES + " times", cause);
        }
    }
}
