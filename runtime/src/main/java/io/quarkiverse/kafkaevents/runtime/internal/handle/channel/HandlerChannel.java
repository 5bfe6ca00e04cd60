package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.common.TopicPartition;

import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.ChannelTransactions;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.OffsetCommits;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.PartitionOffsets;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.ConsumerPartitionFlow;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionProgress;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * One generated handler channel: the intake of its consumers. Which handlers a record reaches is decided by its
 * consumer group and type ({@link HandlerGroup}), not by the channel it arrived on, so channels of one group whose
 * topics overlap at run time (per-type topic overrides) still route every record to its handlers.
 */
public final class HandlerChannel {

    /** Records queued in all, per channel: beyond it SmallRye pauses the consumer (single partitions pause earlier). */
    private static final int LANE_CAPACITY = 4096;

    public final String channel;
    /** The event topics of the channel's types, as resolved at run time; a retry channel reads their retry topics. */
    public final Set<String> topics;
    /** The consumer group of the handlers, in dead-letter headers, metrics and contexts. */
    public final String group;
    /** The group of the channel's consumers: the handlers' group, or for a retry channel its own group. */
    public final String consumerGroup;
    /** Whether the channel reads retry topics. */
    public final boolean retry;
    /** Lanes per partition: 1 handles a partition in order; more run records of different keys side by side. */
    public final int keyLanes;
    /**
     * Whether the records of a partition from one poll are handled as one task ({@code PartitionRun}): a channel of
     * event topics with batch handlers, in partition order.
     */
    public final boolean batched;
    /** Whether the channel has blocking handlers: its lanes drain on the worker pool. */
    public final boolean blocking;
    public final PartitionLanes lanes;
    public final PartitionProgress progress = new PartitionProgress();
    public final LongAdder skipped = new LongAdder();
    public final LongAdder undecodable = new LongAdder();
    /** Per partition, how often it was revoked: records dispatched before a revocation are dropped. */
    private final Map<TopicPartition, AtomicInteger> generations = new ConcurrentHashMap<>();
    /** The records received and not finished per partition, and the offsets to commit. */
    public final OffsetCommits commits;

    /**
     * @param keyLanes lanes per partition (see {@link HandlerConfig#keyConcurrency()})
     * @param batchHandlers whether the channel has batch handlers
     * @param blocking whether the channel has blocking handlers: its lanes then drain on the worker pool, calling them
     *        inline
     */
    public HandlerChannel(String channel, Set<String> topics, String group, String consumerGroup, boolean retry,
            boolean blocking, int keyLanes, boolean batchHandlers, KafkaClientService clients,
            ChannelTransactions.Settings transactions) {
        this.keyLanes = Math.max(1, keyLanes);
        this.batched = batchHandlers && !retry && this.keyLanes == 1;
        this.channel = channel;
        this.topics = Set.copyOf(topics);
        this.group = group;
        this.consumerGroup = consumerGroup;
        this.retry = retry;
        this.commits = new OffsetCommits(channel, clients,
                transactions == null ? null : new ChannelTransactions(channel, clients, transactions));
        this.commits.localRevocation(partitions -> partitions.forEach(this::revoke));
        this.blocking = blocking;
        this.lanes = new PartitionLanes(LANE_CAPACITY, new ConsumerPartitionFlow(clients, channel),
                blocking ? command -> Infrastructure.getDefaultWorkerPool().execute(command) : null);
    }

    /** Whether the channel reads the topic: one of its event topics, or for a retry channel one of their retries. */
    public boolean reads(String candidate) {
        if (!retry) {
            return topics.contains(candidate);
        }
        for (String topic : topics) {
            if (RetryTopicNames.isRetryTopicOf(candidate, topic)) {
                return true;
            }
        }
        return false;
    }

    /** The event topic a record of this channel belongs to: its own topic, or the topic a retry topic retries. */
    public String sourceTopic(String recordTopic) {
        if (retry) {
            for (String topic : topics) {
                if (RetryTopicNames.isRetryTopicOf(recordTopic, topic)) {
                    return topic;
                }
            }
        }
        return recordTopic;
    }

    public int generation(TopicPartition partition) {
        AtomicInteger generation = generations.get(partition);
        return generation != null ? generation.get()
                : generations.computeIfAbsent(partition, p -> new AtomicInteger()).get();
    }

    public void revoke(TopicPartition partition) {
        generations.computeIfAbsent(partition, p -> new AtomicInteger()).incrementAndGet();
        progress.revoked(java.util.List.of(partition));
    }

    /** Revokes every partition seen so far: queued records are dropped, pending retries cancelled. */
    public void revokeAll() {
        generations.values().forEach(AtomicInteger::incrementAndGet);
    }

    /** The timestamp of the oldest record of the partition not finished yet, or -1. */
    public long oldestUnhandled(TopicPartition partition) {
        PartitionOffsets offsets = commits.get(partition);
        return offsets == null ? -1 : offsets.oldestTimestamp();
    }

    /** Records received and not finished in all. */
    public int queued() {
        int queued = 0;
        for (TopicPartition partition : commits.partitions()) {
            PartitionOffsets offsets = commits.get(partition);
            queued += offsets == null ? 0 : offsets.unfinished();
        }
        return queued;
    }
}
