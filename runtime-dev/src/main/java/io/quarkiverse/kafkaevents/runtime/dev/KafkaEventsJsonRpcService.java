package io.quarkiverse.kafkaevents.runtime.dev;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The Dev UI's back end for dead letters (registered as a JSON-RPC provider in dev mode only, never a bean in
 * production): the dead-letter topic of every consumed topic with the number of records in it, and a replay of the
 * recent ones through {@link DeadLetterReplayer}.
 */
public class KafkaEventsJsonRpcService {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> kafkaConfig;
    private final HandlerDispatcher dispatcher;
    private final DeadLetterReplayer replayer;

    KafkaEventsJsonRpcService(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            HandlerDispatcher dispatcher, DeadLetterReplayer replayer) {
        this.kafkaConfig = kafkaConfig;
        this.dispatcher = dispatcher;
        this.replayer = replayer;
    }

    /**
     * One entry per consumed event topic, sorted by topic: {@code topic}, {@code channels} (the handler channels
     * reading it), {@code deadLetterTopic} ({@code null} when dead-lettering is disabled) and {@code records} (end
     * minus beginning offsets summed over its partitions; 0 while the topic does not exist).
     */
    public Uni<List<Map<String, Object>>> getDeadLetterTopics() {
        return Uni.createFrom().item(this::deadLetterTopics).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Replays the records dead-lettered from {@code topic} in the last {@code minutes} minutes, at most {@code max}
     * of them, to {@code topic}.
     *
     * @return the number of records replayed
     */
    public Uni<Integer> replay(String topic, int minutes, int max) {
        Map<String, List<String>> topics = consumedTopics();
        if (topic == null || !topics.containsKey(topic)) {
            return Uni.createFrom().failure(new IllegalArgumentException("Unknown topic '" + topic
                    + "': the application consumes " + topics.keySet()));
        }
        if (minutes <= 0) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "minutes must be positive, was " + minutes));
        }
        if (max <= 0) {
            return Uni.createFrom().failure(new IllegalArgumentException("max must be positive, was " + max));
        }
        if (dispatcher.deadLetterTopic(topic) == null) {
            return Uni.createFrom().failure(new IllegalStateException("Topic '" + topic
                    + "' has no dead-letter topic: quarkus.kafka-events.failure.dead-letter.enabled=false"));
        }
        Instant to = Instant.now();
        return replayer.replay(topic, to.minus(Duration.ofMinutes(minutes)), to, max);
    }

    /** Consumed topic to the channels reading it, both sorted. */
    private Map<String, List<String>> consumedTopics() {
        Map<String, Set<String>> byTopic = new TreeMap<>();
        for (Map.Entry<String, Set<String>> entry : dispatcher.topics().entrySet()) {
            for (String topic : entry.getValue()) {
                byTopic.computeIfAbsent(topic, t -> new TreeSet<>()).add(entry.getKey());
            }
        }
        Map<String, List<String>> topics = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> entry : byTopic.entrySet()) {
            topics.put(entry.getKey(), List.copyOf(entry.getValue()));
        }
        return topics;
    }

    private List<Map<String, Object>> deadLetterTopics() {
        Map<String, List<String>> topics = consumedTopics();
        Map<String, String> deadLetterTopics = new LinkedHashMap<>();
        for (String topic : topics.keySet()) {
            String deadLetterTopic = dispatcher.deadLetterTopic(topic);
            if (deadLetterTopic != null) {
                deadLetterTopics.put(topic, deadLetterTopic);
            }
        }
        Map<String, Long> counts = deadLetterTopics.isEmpty() ? Map.of() : count(deadLetterTopics.values());
        List<Map<String, Object>> rows = new ArrayList<>(topics.size());
        for (Map.Entry<String, List<String>> entry : topics.entrySet()) {
            String deadLetterTopic = deadLetterTopics.get(entry.getKey());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", entry.getKey());
            row.put("channels", entry.getValue());
            row.put("deadLetterTopic", deadLetterTopic);
            row.put("records", deadLetterTopic == null ? 0L : counts.getOrDefault(deadLetterTopic, 0L));
            rows.add(row);
        }
        return rows;
    }

    /** Records per topic (end minus beginning offsets), 0 for a topic that does not exist. */
    private Map<String, Long> count(Iterable<String> topicNames) {
        Map<String, Long> counts = new HashMap<>();
        try (Admin admin = Admin.create(AdminClients.config(kafkaConfig, "kafka-events-dev-ui", TIMEOUT))) {
            List<String> names = new ArrayList<>();
            topicNames.forEach(names::add);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> description : admin.describeTopics(names)
                    .topicNameValues().entrySet()) {
                counts.put(description.getKey(), 0L);
                TopicDescription topic;
                try {
                    topic = get(description.getValue());
                } catch (UnknownTopicOrPartitionException e) {
                    continue; // not created yet: nothing dead-lettered
                }
                for (TopicPartitionInfo partition : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                    earliest.put(tp, OffsetSpec.earliest());
                    latest.put(tp, OffsetSpec.latest());
                }
            }
            if (!earliest.isEmpty()) {
                Map<TopicPartition, ListOffsetsResultInfo> begin = get(admin.listOffsets(earliest).all());
                Map<TopicPartition, ListOffsetsResultInfo> end = get(admin.listOffsets(latest).all());
                for (Map.Entry<TopicPartition, ListOffsetsResultInfo> entry : end.entrySet()) {
                    long records = entry.getValue().offset() - begin.get(entry.getKey()).offset();
                    counts.merge(entry.getKey().topic(), records, Long::sum);
                }
            }
        }
        return counts;
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading dead-letter topics", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Could not read dead-letter topics: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }
}
