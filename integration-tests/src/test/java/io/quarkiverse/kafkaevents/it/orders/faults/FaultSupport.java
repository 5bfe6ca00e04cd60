package io.quarkiverse.kafkaevents.it.orders.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

/**
 * The fault suite's tools: the topic, the cluster, raw reads of the topic, consumer group offsets, bounded waits.
 */
final class FaultSupport {

    /** Where {@code OrderPlaced} (and {@code OrderConfirmed}) go in the test profile. */
    static final String TOPIC = "test.sales.public.orders";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultSupport() {
    }

    /** Prints a measured number where the build log shows it: {@code FAULT-SUITE: <scenario> <numbers>}. */
    static void report(String scenario, String numbers) {
        System.out.println("FAULT-SUITE: " + scenario + ": " + numbers);
    }

    /** A marker for the events of one test run (their customer id): the topic keeps those of earlier runs. */
    static String run(String scenario) {
        return scenario + "-" + System.currentTimeMillis();
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    static String bootstrapServers() {
        return DevBrokerCluster.current().bootstrapServers();
    }

    static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
    }

    /** Starts the nodes a test killed and waits until every partition of the topic has its three replicas in sync. */
    static void healCluster(Admin admin) throws Exception {
        for (DevBrokerCluster.Node node : DevBrokerCluster.current().nodes()) {
            if (!node.isRunning()) {
                node.start(Duration.ofSeconds(60));
            }
        }
        awaitTrue("all replicas of " + TOPIC + " in sync", Duration.ofSeconds(60), () -> {
            try {
                return describe(admin).partitions().stream().allMatch(p -> p.isr().size() == 3 && p.leader() != null);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The node leading most partitions of the topic. */
    static int busiestLeader(Admin admin) throws Exception {
        return describe(admin).partitions().stream().filter(p -> p.leader() != null)
                .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Partitions (as {@code topic-partition}) the node leads. */
    static Set<String> ledBy(Admin admin, int node) throws Exception {
        return describe(admin).partitions().stream()
                .filter(p -> p.leader() != null && p.leader().id() == node)
                .map(TopicPartitionInfo::partition).map(p -> TOPIC + "-" + p).collect(Collectors.toSet());
    }

    /** Makes a new consumer group start at the current end of the topic, so it handles this run's events only. */
    static void startGroupAtEnd(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(admin);
            consumer.endOffsets(partitions, Duration.ofSeconds(30))
                    .forEach((tp, end) -> offsets.put(tp, new OffsetAndMetadata(end)));
        }
        admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }

    /** The group's committed offsets, by {@code topic-partition}. */
    static Map<String, Long> committed(Admin admin, String group) throws Exception {
        Map<String, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, offset) -> {
                    if (offset != null && tp.topic().equals(TOPIC)) {
                        committed.put(tp.topic() + "-" + tp.partition(), offset.offset());
                    }
                });
        return committed;
    }

    private static List<TopicPartition> partitions(Admin admin) throws Exception {
        return describe(admin).partitions().stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
    }

    /** What the topic holds of one run, read raw from the beginning to its current end. */
    record TopicContent(Map<String, Integer> placed, Set<String> confirmedOrders) {

        int duplicates() {
            return placed.values().stream().mapToInt(n -> n - 1).sum();
        }
    }

    /**
     * Reads the whole topic, bypassing the extension: the {@code OrderPlaced} events of the run ({@code key/item},
     * counted) and the order ids of {@code OrderConfirmed} events.
     */
    static TopicContent read(Admin admin, String run) throws Exception {
        Map<String, Integer> placed = new HashMap<>();
        Set<String> allConfirmed = new java.util.HashSet<>();
        forEachRecord(admin, record -> {
            String type = header(record, "ce_type");
            if (record.value() == null || type == null) {
                return;
            }
            JsonNode event = JSON.readTree(record.value());
            if ("OrderPlaced".equals(type) && run.equals(event.path("customerId").asText())) {
                placed.merge(event.path("orderId").asText() + "/" + event.path("item").asText(), 1, Integer::sum);
            } else if ("OrderConfirmed".equals(type)) {
                allConfirmed.add(event.path("orderId").asText());
            }
        });
        return new TopicContent(placed, allConfirmed);
    }

    /** What is done with each record read. */
    interface RecordAction {
        void accept(ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    /** Reads the whole topic raw, from the beginning of each partition to its current end, in partition order. */
    static void forEachRecord(Admin admin, RecordAction action) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(admin);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + TOPIC + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    action.accept(record);
                }
            }
        }
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Longest time, per partition, between two handler calls finishing, within the window; in ms. */
    static long longestPause(List<Ledger.Entry> done, long from, long to) {
        Map<String, List<Long>> byPartition = new HashMap<>();
        for (Ledger.Entry e : done) {
            byPartition.computeIfAbsent(e.partition(), p -> new ArrayList<>()).add(e.millis());
        }
        long longest = 0;
        for (List<Long> times : byPartition.values()) {
            List<Long> sorted = times.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) >= from && sorted.get(i - 1) <= to) {
                    longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
                }
            }
        }
        return longest;
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
