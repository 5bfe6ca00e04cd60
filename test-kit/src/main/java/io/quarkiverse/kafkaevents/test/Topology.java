package io.quarkiverse.kafkaevents.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.smallrye.common.annotation.Identifier;

/**
 * The application's topics as the extension resolved them (event topics, retry and dead-letter topics), which
 * consumer group reads which, and whether those groups have committed past the records read by the kit.
 */
@Singleton
class Topology {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EventRouting routing;
    private final HandlerDispatcher dispatcher;
    private final Map<String, Object> kafkaConfig;
    private Admin admin;

    Topology(EventRouting routing, HandlerDispatcher dispatcher,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.routing = routing;
        this.dispatcher = dispatcher;
        this.kafkaConfig = kafkaConfig;
    }

    /** Per consumer group of the handlers (retry groups included), the topics it reads. */
    Map<String, Set<String>> groups() {
        Map<String, Set<String>> groups = new TreeMap<>();
        for (HandlerChannel channel : dispatcher.topology().channels()) {
            Set<String> topics = groups.computeIfAbsent(channel.consumerGroup, g -> new TreeSet<>());
            for (String topic : channel.topics) {
                if (channel.retry) {
                    topics.addAll(dispatcher.retryTopics(topic));
                } else {
                    topics.add(topic);
                }
            }
        }
        return groups;
    }

    /** The dead-letter topics of the consumed topics. */
    Set<String> deadLetterTopics() {
        Set<String> topics = new TreeSet<>();
        for (Set<String> consumed : dispatcher.topics().values()) {
            for (String topic : consumed) {
                String deadLetter = dispatcher.deadLetterTopic(topic);
                if (deadLetter != null) {
                    topics.add(deadLetter);
                }
            }
        }
        return topics;
    }

    /** Every topic the kit reads: event topics, topics read by handler groups and dead-letter topics. */
    Set<String> watchedTopics() {
        Set<String> topics = new TreeSet<>();
        for (EventRouting.Route route : routing.routes()) {
            topics.add(route.topic());
        }
        for (Set<String> read : groups().values()) {
            topics.addAll(read);
        }
        topics.addAll(deadLetterTopics());
        return topics;
    }

    /**
     * For each handler group and each partition it reads, the last record read by the kit that the group has not
     * committed past yet, described; empty when every group is done with every record.
     */
    List<String> unhandled(TopicTails tails) {
        List<String> unhandled = new ArrayList<>();
        for (Map.Entry<String, Set<String>> group : groups().entrySet()) {
            Map<TopicPartition, Long> last = new HashMap<>();
            for (String topic : group.getValue()) {
                for (ConsumerRecord<byte[], byte[]> record : tails.records(topic)) {
                    last.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
                }
            }
            if (last.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = get(
                    admin().listConsumerGroupOffsets(group.getKey()).partitionsToOffsetAndMetadata());
            for (Map.Entry<TopicPartition, Long> partition : sorted(last).entrySet()) {
                OffsetAndMetadata offset = committed.get(partition.getKey());
                if (offset == null || offset.offset() <= partition.getValue()) {
                    unhandled.add("group " + group.getKey() + " has not committed " + partition.getKey()
                            + " past offset " + partition.getValue() + " (committed: "
                            + (offset == null ? "none" : offset.offset()) + ")");
                }
            }
        }
        return unhandled;
    }

    private static Map<TopicPartition, Long> sorted(Map<TopicPartition, Long> last) {
        TreeMap<TopicPartition, Long> sorted = new TreeMap<>(
                (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
                        : a.topic().compareTo(b.topic()));
        sorted.putAll(last);
        return sorted;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(AdminClients.config(kafkaConfig, "kafka-events-test-kit", TIMEOUT));
        }
        return admin;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Kafka Events test kit: could not read the handler groups' offsets: " + e, e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
