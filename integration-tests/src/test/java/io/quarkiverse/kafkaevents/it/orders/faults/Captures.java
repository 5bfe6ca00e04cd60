package io.quarkiverse.kafkaevents.it.orders.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A {@code read_committed} reader of the sample's payment captures, from the end of the topic when started: counts the
 * captures made by one consumer group, per payment, as any downstream service would see them.
 */
final class Captures implements AutoCloseable {

    static final String TOPIC = "test.sales.public.payment-captures";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String group;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile Throwable failure;

    private Captures(String group) {
        this.group = group;
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, FaultSupport.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now, before the run publishes
        this.thread = new Thread(() -> {
            try (consumer) {
                while (!closed.get()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        JsonNode capture = JSON.readTree(record.value());
                        if (group.equals(capture.path("capturedBy").asText())) {
                            counts.computeIfAbsent(capture.path("paymentId").asText(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }, "captures-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    static Captures start(String group) {
        return new Captures(group);
    }

    /** Payments captured at least once. */
    int distinct() {
        if (failure != null) {
            throw new AssertionError("the captures reader failed", failure);
        }
        return counts.size();
    }

    /** Captures beyond the first of each payment. */
    int duplicates() {
        return counts.values().stream().mapToInt(count -> count.get() - 1).sum();
    }

    int lost() {
        return lost(ExactlyOnceIT.EVENTS);
    }

    int lost(int requested) {
        return requested - distinct();
    }

    /** Some payments captured more than once, with their counts, for messages. */
    String twice(int atMost) {
        return counts.entrySet().stream().filter(e -> e.getValue().get() > 1).limit(atMost)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())).toString();
    }

    @Override
    public void close() throws InterruptedException {
        closed.set(true);
        thread.join(5_000);
    }
}
