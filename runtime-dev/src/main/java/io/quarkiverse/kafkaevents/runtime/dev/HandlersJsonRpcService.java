package io.quarkiverse.kafkaevents.runtime.dev;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.quarkus.arc.All;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The Dev UI's back end for the handlers page (a JSON-RPC provider in dev mode only): every handler method with its
 * consumer group, the topics its channel reads, the group's lag on them (read from the broker) and what happened to
 * its records since start-up (counted by {@link DevHandlerStats}).
 */
public class HandlersJsonRpcService {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> kafkaConfig;
    private final HandlerDispatcher dispatcher;
    private final List<EventInvoker> invokers;
    private final DevHandlerStats stats;

    HandlersJsonRpcService(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            HandlerDispatcher dispatcher, @All List<EventInvoker> invokers, DevHandlerStats stats) {
        this.kafkaConfig = kafkaConfig;
        this.dispatcher = dispatcher;
        this.invokers = invokers;
        this.stats = stats;
    }

    /**
     * One entry per handler method, sorted by handler: {@code handler} ({@code Class#method}), {@code type},
     * {@code group}, {@code topics}, {@code lag} (records of those topics the group has not committed yet, summed
     * over partitions, all their records when the group committed nothing; {@code null} when the broker could not be
     * asked, with {@code lagError}), and since start-up
     * {@code handled} and {@code deadLettered} (records of its type and group), {@code failed} (its failed attempts)
     * and {@code lastFailure}.
     */
    public Uni<List<Map<String, Object>>> getHandlers() {
        return Uni.createFrom().item(this::handlers).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private List<Map<String, Object>> handlers() {
        List<EventInvoker> sorted = new ArrayList<>(invokers);
        sorted.sort(Comparator.comparing(EventInvoker::handler).thenComparing(EventInvoker::channel));
        Map<String, Set<String>> topicsByChannel = dispatcher.topics();
        Map<String, Set<String>> topicsByGroup = new HashMap<>();
        for (EventInvoker invoker : sorted) {
            String group = dispatcher.topology().groupOf(invoker.channel());
            topicsByGroup.computeIfAbsent(group, g -> new TreeSet<>())
                    .addAll(topicsByChannel.getOrDefault(invoker.channel(), Set.of()));
        }
        Map<String, Long> lags = new HashMap<>();
        String lagError = null;
        try {
            lags = lags(topicsByGroup);
        } catch (RuntimeException e) {
            lagError = e.getMessage();
        }
        List<Map<String, Object>> rows = new ArrayList<>(sorted.size());
        for (EventInvoker invoker : sorted) {
            String group = dispatcher.topology().groupOf(invoker.channel());
            Set<String> topics = new TreeSet<>(topicsByChannel.getOrDefault(invoker.channel(), Set.of()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("handler", invoker.handler());
            row.put("type", invoker.type());
            row.put("group", group);
            row.put("topics", List.copyOf(topics));
            long lag = 0;
            for (String topic : topics) {
                lag += lags.getOrDefault(group + '\n' + topic, 0L);
            }
            row.put("lag", lagError == null ? lag : null);
            row.put("lagError", lagError);
            row.put("handled", stats.handled(group, invoker.type()));
            row.put("deadLettered", stats.deadLettered(group, invoker.type()));
            row.put("failed", stats.failed(invoker.handler()));
            row.put("lastFailure", stats.lastFailure(invoker.handler()));
            rows.add(row);
        }
        return rows;
    }

    /** Group and topic to the records the group has not committed: end offsets minus committed offsets. */
    private Map<String, Long> lags(Map<String, Set<String>> topicsByGroup) {
        Map<String, Long> lags = new HashMap<>();
        Set<String> allTopics = new TreeSet<>();
        topicsByGroup.values().forEach(allTopics::addAll);
        if (allTopics.isEmpty()) {
            return lags;
        }
        try (Admin admin = Admin.create(AdminClients.config(kafkaConfig, "kafka-events-dev-ui-lag", TIMEOUT))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> description : admin.describeTopics(allTopics)
                    .topicNameValues().entrySet()) {
                try {
                    for (TopicPartitionInfo partition : get(description.getValue()).partitions()) {
                        latest.put(new TopicPartition(description.getKey(), partition.partition()),
                                OffsetSpec.latest());
                    }
                } catch (UnknownTopicOrPartitionException e) {
                    // not created yet: no lag
                }
            }
            Map<TopicPartition, ListOffsetsResultInfo> end = latest.isEmpty() ? Map.of()
                    : get(admin.listOffsets(latest).all());
            for (Map.Entry<String, Set<String>> group : topicsByGroup.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> committed = get(
                        admin.listConsumerGroupOffsets(group.getKey()).partitionsToOffsetAndMetadata());
                for (Map.Entry<TopicPartition, ListOffsetsResultInfo> partition : end.entrySet()) {
                    if (!group.getValue().contains(partition.getKey().topic())) {
                        continue;
                    }
                    OffsetAndMetadata offset = committed.get(partition.getKey());
                    long lag = partition.getValue().offset() - (offset == null ? 0 : offset.offset());
                    lags.merge(group.getKey() + '\n' + partition.getKey().topic(), Math.max(0, lag), Long::sum);
                }
            }
        }
        return lags;
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading consumer lag", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Could not read consumer lag: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }
}
