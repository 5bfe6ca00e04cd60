package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.core.Vertx;

/**
 * The offsets of one handler channel, committed by the extension itself (the channel's SmallRye commit strategy is
 * {@code ignore}): per partition up to the first record not finished ({@link PartitionOffsets}), whatever order the
 * records finish in, and however long one takes (no limit on records waiting, unlike SmallRye's strategies).
 * <ul>
 * <li>every commit interval ({@code quarkus.kafka-events.commit-interval}, 1 s by default, or the channel consumers'
 * {@code auto.commit.interval.ms} when set), asynchronously, on each consumer's polling thread, for the partitions it
 * owns whose offset moved;</li>
 * <li>synchronously when partitions are revoked (in the rebalance listener, on the polling thread), before they go to
 * their new owner;</li>
 * <li>synchronously on shutdown, once running handler calls finished, all consumers of all channels at once, within
 * what is left of the shutdown budget ({@code ShutdownBudget}).</li>
 * </ul>
 */
public final class OffsetCommits {

    private static final Logger LOG = Logger.getLogger(OffsetCommits.class);
    private static final Duration SYNC_COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final String channel;
    private final KafkaClientService clients;
    private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();
    /** The Vert.x timer of the periodic commits, once started. */
    private volatile long timer = -1;
    private volatile boolean stopped;
    /** The channel's Kafka transactions, which commit its offsets, or {@code null}. */
    private final ChannelTransactions transactions;
    /** Revokes partitions in this instance only (records queued or running are dropped), for a rewind. */
    private java.util.function.Consumer<Collection<TopicPartition>> localRevocation = partitions -> {
    };

    public OffsetCommits(String channel, KafkaClientService clients, ChannelTransactions transactions) {
        this.channel = channel;
        this.clients = clients;
        this.transactions = transactions;
        if (transactions != null) {
            transactions.commits(this);
        }
    }

    /** The channel's Kafka transactions, or {@code null} when its handlers are not in one. */
    public ChannelTransactions transactions() {
        return transactions;
    }

    /** Set once by the channel: how to drop its records of partitions in this instance. */
    public void localRevocation(java.util.function.Consumer<Collection<TopicPartition>> revocation) {
        this.localRevocation = revocation;
    }

    /** Partitions started again from their committed offsets: their tracking restarts, their lanes drop records. */
    void revokeLocally(Collection<TopicPartition> revoked) {
        localRevocation.accept(revoked);
        revoked.forEach(partitions::remove);
    }

    /**
     * Starts the periodic commits, once (on the channel's first record: its consumers exist by then): every
     * {@code interval} ({@code quarkus.kafka-events.commit-interval}), or every {@code auto.commit.interval.ms} when
     * the channel's consumers have it set.
     */
    public void start(Vertx vertx, Duration interval) {
        if (timer < 0 && !stopped) {
            synchronized (this) {
                if (timer < 0 && !stopped) {
                    timer = vertx.setPeriodic(intervalMillis(interval), id -> commitAsync());
                }
            }
        }
    }

    /** On shutdown: no periodic commit any more. */
    public void stop(Vertx vertx) {
        synchronized (this) {
            stopped = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }

    /** On shutdown, after the last commit: the transactional producers close. */
    public void close() {
        if (transactions != null) {
            transactions.close();
        }
    }

    /**
     * On shutdown, after {@link #stop}: commits what was finished, on each consumer's polling thread, each commit
     * waiting for the broker at most {@code timeout}. One {@code Uni} per consumer, completing (never failing) when
     * its commit is done or given up; the caller awaits them all together.
     */
    public List<Uni<Void>> commitOnStop(Duration timeout) {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers == null || consumers.isEmpty()) {
            return List.of();
        }
        List<Uni<Void>> commits = new ArrayList<>(consumers.size());
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            java.util.function.Consumer<Consumer<Object, Object>> commit = c -> commitSync(c, c.assignment(), timeout);
            commits.add(consumer.runOnPollingThread(commit).onFailure().recoverWithItem(failure -> {
                LOG.warnf("Kafka Events could not commit the offsets of channel %s on shutdown: %s", channel,
                        failure.toString());
                return null;
            }));
        }
        return commits;
    }

    /**
     * The partitions whose records will be delivered again to their next owner, each with the offset from which
     * ({@code topic-partition from offset}); empty when every record received was finished and committed.
     */
    public List<String> leftForRedelivery() {
        List<String> left = new ArrayList<>();
        Map<TopicPartition, PartitionOffsets> sorted = new TreeMap<>(partitionOrder());
        sorted.putAll(partitions);
        for (Map.Entry<TopicPartition, PartitionOffsets> entry : sorted.entrySet()) {
            long from = entry.getValue().redeliveredFrom();
            if (from >= 0) {
                left.add(entry.getKey() + " from offset " + from);
            }
        }
        return left;
    }

    private static java.util.Comparator<TopicPartition> partitionOrder() {
        return java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
    }

    /** The offsets of a partition, created on its first record. */
    public PartitionOffsets of(TopicPartition partition) {
        PartitionOffsets offsets = partitions.get(partition);
        return offsets != null ? offsets : partitions.computeIfAbsent(partition, p -> new PartitionOffsets());
    }

    /** The partition's offsets, or {@code null} when none of its records was received (since its revocation). */
    public PartitionOffsets get(TopicPartition partition) {
        return partitions.get(partition);
    }

    public Collection<TopicPartition> partitions() {
        return partitions.keySet();
    }

    /** The channel consumers' {@code auto.commit.interval.ms} when set, else {@code interval}; at least 10 ms. */
    private long intervalMillis(Duration interval) {
        if (transactions != null) {
            return Math.max(10, transactions.commitInterval().toMillis());
        }
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers != null) {
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                Object set = consumer.configuration().get("auto.commit.interval.ms");
                if (set != null) {
                    try {
                        return Math.max(10, Long.parseLong(set.toString()));
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
        }
        return Math.max(10, interval.toMillis());
    }

    /** Commits, on each consumer's polling thread and without waiting, what moved on the partitions it owns. */
    void commitAsync() {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers == null) {
            return;
        }
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            consumer.runOnPollingThread((java.util.function.Consumer<Consumer<Object, Object>>) this::commitAsync).subscribe()
                    .with(ignored -> {
                    }, failure -> LOG.debugf(failure, "Could not commit the offsets of channel %s", channel));
        }
    }

    private void commitAsync(Consumer<?, ?> consumer) {
        if (transactions != null) {
            transactions.commit(consumer, consumer.assignment());
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = due(consumer.assignment());
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, failure) -> {
            if (failure == null) {
                confirmed(offsets);
            } else {
                LOG.debugf("Committing offsets %s of channel %s failed: %s; they are committed with the next round",
                        offsets, channel, failure.toString());
                failed(offsets);
            }
        });
    }

    /**
     * Commits what was finished of the partitions synchronously, on the polling thread (the rebalance listener, before
     * a revocation), then forgets them.
     */
    public void commitAndForget(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        try {
            commitSync(consumer, revoked);
        } finally {
            forgetTracked(revoked);
        }
    }

    /**
     * {@link #commitAndForget(Consumer, Collection)} waiting for the broker at most {@code timeout}; no commit at all
     * when it is zero (the shutdown budget is spent).
     */
    public void commitAndForget(Consumer<?, ?> consumer, Collection<TopicPartition> revoked, Duration timeout) {
        try {
            if (!timeout.isZero()) {
                commitSync(consumer, revoked, timeout);
            }
        } finally {
            forgetTracked(revoked);
        }
    }

    /** Forgets partitions lost without a chance to commit (their records are handled again by their new owner). */
    public void forget(Collection<TopicPartition> lost) {
        forgetTracked(lost);
    }

    private void forgetTracked(Collection<TopicPartition> gone) {
        gone.forEach(partitions::remove);
        if (transactions != null) {
            transactions.forget(gone);
        }
    }

    private void commitSync(Consumer<?, ?> consumer, Collection<TopicPartition> owned) {
        commitSync(consumer, owned, SYNC_COMMIT_TIMEOUT);
    }

    private void commitSync(Consumer<?, ?> consumer, Collection<TopicPartition> owned, Duration timeout) {
        if (transactions != null) {
            // one transaction holds the outputs of all the consumer's partitions: all their offsets commit with it
            transactions.commit(consumer, consumer.assignment());
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = due(owned);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, timeout);
            confirmed(offsets);
            LOG.debugf("Committed offsets %s of channel %s", offsets, channel);
        } catch (RuntimeException e) {
            failed(offsets);
            LOG.warnf("Kafka Events could not commit offsets %s of channel %s: %s; records handled since the last"
                    + " commit are delivered again", offsets, channel, e.toString());
        }
    }

    void confirmed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionOffsets tracked = partitions.get(partition);
            if (tracked != null) {
                tracked.commitConfirmed(offset.offset());
            }
        });
    }

    Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : owned) {
            PartitionOffsets tracked = partitions.get(partition);
            if (tracked != null) {
                long offset = tracked.toCommit();
                if (offset >= 0) {
                    offsets.put(partition, new OffsetAndMetadata(offset));
                }
            }
        }
        return offsets;
    }

    void failed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionOffsets tracked = partitions.get(partition);
            if (tracked != null) {
                tracked.commitFailed(offset.offset());
            }
        });
    }
}
