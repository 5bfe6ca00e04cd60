package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * The Kafka transactions of one handler channel whose handlers publish in a Kafka transaction: one
 * {@link ConsumerTransaction} per consumer of the channel, found for a record by its partition. Knows the settings
 * ({@code quarkus.kafka-events.transactions.*}), makes the transactional producers, counts the outcomes, and starts a
 * consumer's partitions again from their committed offsets when its transaction cannot go on.
 */
public final class ChannelTransactions {

    private static final Logger LOG = Logger.getLogger(ChannelTransactions.class);
    /** How long, after a rewind, records polled before it may still arrive and are dropped. */
    private static final Duration REWIND_GRACE = Duration.ofSeconds(5);

    public enum Outcome {
        COMMITTED,
        ABORTED,
        FENCED
    }

    /** The settings of a channel's transactions. */
    public record Settings(Duration commitInterval, int maxRecords, String idPrefix,
            Function<String, Producer<String, byte[]>> producers) {
    }

    private final String channel;
    private final KafkaClientService clients;
    private final Settings settings;
    private final Map<org.apache.kafka.clients.consumer.Consumer<?, ?>, ConsumerTransaction> byConsumer = new ConcurrentHashMap<>();
    private final Map<TopicPartition, ConsumerTransaction> byPartition = new ConcurrentHashMap<>();
    /**
     * Partitions started again from their committed offsets: the offset they start at, and until when records polled
     * before the seek may still arrive. Cleared when the partition is revoked, lost or assigned again.
     */
    private final Map<TopicPartition, long[]> rewound = new ConcurrentHashMap<>();
    private final Map<Outcome, LongAdder> outcomes = new HashMap<>();
    private OffsetCommits commits;

    public ChannelTransactions(String channel, KafkaClientService clients, Settings settings) {
        this.channel = channel;
        this.clients = clients;
        this.settings = settings;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    void commits(OffsetCommits commits) {
        this.commits = commits;
    }

    String channel() {
        return channel;
    }

    int maxRecords() {
        return settings.maxRecords();
    }

    /** Outputs retained per consumer before finishing records waits for a commit. */
    int maxRetained() {
        return Math.max(10_000, settings.maxRecords() * 10);
    }

    public Duration commitInterval() {
        return settings.commitInterval();
    }

    /** How many transactions of the channel ended so. */
    public long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    void counted(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    /** The outputs of a record of the partition, to finish with it. */
    public RecordOutputs outputs(TopicPartition partition, BooleanSupplier revoked) {
        return new RecordOutputs(this, partition, revoked);
    }

    /**
     * Whether a poll's records of the partition may be handled: after a rewind, records polled before it are dropped
     * until the records from the rewound offset arrive.
     */
    public boolean accepts(TopicPartition partition, long firstOffset) {
        long[] mark = rewound.get(partition);
        if (mark == null) {
            return true;
        }
        if (firstOffset == mark[0] || System.currentTimeMillis() > mark[1]) {
            rewound.remove(partition, mark);
            return true;
        }
        return false;
    }

    /** Partitions assigned to a consumer of the channel (on its polling thread). */
    public void assigned(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
            Collection<TopicPartition> partitions) {
        ConsumerTransaction transaction = byConsumer.computeIfAbsent(consumer,
                c -> new ConsumerTransaction(this, transactionalId(c)));
        for (TopicPartition partition : partitions) {
            byPartition.put(partition, transaction);
            // a new assignment reads from the committed offset: nothing polled before it is dispatched any more
            // (SmallRye drops the queued records of revoked partitions), so no batch may be taken for a stale one
            rewound.remove(partition);
        }
    }

    /** Partitions revoked (after their commit) or lost: what their records wrote and did not commit is dropped. */
    void forget(Collection<TopicPartition> partitions) {
        Map<ConsumerTransaction, List<TopicPartition>> byTransaction = new HashMap<>();
        for (TopicPartition partition : partitions) {
            rewound.remove(partition);
            ConsumerTransaction transaction = byPartition.remove(partition);
            if (transaction != null) {
                byTransaction.computeIfAbsent(transaction, t -> new ArrayList<>()).add(partition);
            }
        }
        byTransaction.forEach(ConsumerTransaction::forget);
    }

    void finish(TopicPartition partition, List<ProducerRecord<String, byte[]>> records, BooleanSupplier revoked,
            PartitionOffsets offsets, long offset) {
        ConsumerTransaction transaction = byPartition.get(partition);
        if (transaction == null) {
            return; // revoked: the record is handled again by the partition's next owner
        }
        transaction.finish(partition, records, revoked, offsets, offset);
    }

    /** Commits the transaction of the consumer (on its polling thread). */
    void commit(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> owned) {
        ConsumerTransaction transaction = byConsumer.get(consumer);
        if (transaction != null) {
            transaction.commit(consumer, commits, owned);
        }
    }

    /** A transaction reached {@code max-records}: commit it on its consumer's polling thread now. */
    void commitSoon(ConsumerTransaction transaction) {
        KafkaConsumer<Object, Object> owner = consumerOf(transaction);
        if (owner != null) {
            owner.runOnPollingThread((Consumer<org.apache.kafka.clients.consumer.Consumer<Object, Object>>) c -> commit(
                    c, c.assignment())).subscribe().with(ignored -> {
                    }, failure -> LOG.debugf(failure, "Could not commit a transaction of channel %s", channel));
        }
    }

    /**
     * The consumer's transaction cannot go on: its partitions' records still queued or running are dropped (their
     * outputs never sent), and the consumer reads again from the offsets the broker committed (on its polling thread).
     */
    void rewind(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> owned) {
        Set<TopicPartition> partitions = new HashSet<>(owned);
        commits.revokeLocally(partitions);
        partitions.retainAll(consumer.assignment()); // those lost meanwhile start from their committed offset anyway
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(partitions, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.errorf("Kafka Events could not read the committed offsets of %s (%s); the consumer's group must"
                    + " rebalance before they are handled again", partitions, e.toString());
            consumer.enforceRebalance();
            return;
        }
        Map<TopicPartition, Long> beginnings = null;
        long until = System.currentTimeMillis() + REWIND_GRACE.toMillis();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long target;
            if (offset != null) {
                target = offset.offset();
            } else {
                if (beginnings == null) {
                    beginnings = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
                }
                target = beginnings.getOrDefault(partition, 0L);
            }
            consumer.seek(partition, target);
            rewound.put(partition, new long[] { target, until });
            LOG.warnf("Kafka Events: partition %s of channel %s is handled again from offset %d", partition, channel,
                    target);
        }
    }

    /** On shutdown, after the last commit. */
    public void close() {
        for (ConsumerTransaction transaction : byConsumer.values()) {
            transaction.close(Duration.ofSeconds(1));
        }
    }

    Producer<String, byte[]> newProducer(String transactionalId) {
        Producer<String, byte[]> producer = settings.producers().apply(transactionalId);
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return producer;
    }

    private KafkaConsumer<Object, Object> consumerOf(ConsumerTransaction transaction) {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers != null) {
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                if (byConsumer.get(consumer.unwrap()) == transaction) {
                    return consumer;
                }
            }
        }
        return null;
    }

    /**
     * {@code <id-prefix>.<channel>.<n>}: the prefix names the application, environment and instance (see
     * {@code KafkaTransactionSettings}); {@code n} is the consumer's index among the channel's consumers.
     */
    private String transactionalId(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        int index = 0;
        if (consumers != null) {
            for (int i = 0; i < consumers.size(); i++) {
                if (consumers.get(i).unwrap() == consumer) {
                    index = i;
                }
            }
        }
        return settings.idPrefix() + "." + channel + "." + index;
    }
}
