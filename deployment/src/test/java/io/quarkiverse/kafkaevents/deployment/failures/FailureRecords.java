package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

import io.quarkiverse.kafkaevents.deployment.events.RawRecords;

/**
 * Waiting for records and reading their headers, for the failure-handling tests.
 */
final class FailureRecords {

    private FailureRecords() {
    }

    /** The records of a key in a topic, read with a plain consumer. */
    static List<ConsumerRecord<String, byte[]>> records(String bootstrap, String topic, String key) {
        return RawRecords.readAll(bootstrap, topic).stream().filter(r -> key.equals(r.key())).toList();
    }

    /** Waits for the one record of a key in a topic (a dead-letter topic, say); fails if there are more. */
    static ConsumerRecord<String, byte[]> awaitSingle(String bootstrap, String topic, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, byte[]>> found = records(bootstrap, topic, key);
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "records of " + key + " in " + topic);
                return found.get(0);
            }
            sleep(200);
        }
        throw new AssertionError("no record of " + key + " in " + topic);
    }

    static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s");
            }
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls until the consumer receives the record of the key, within 60 seconds. */
    static ConsumerRecord<String, byte[]> awaitRecord(KafkaConsumer<String, byte[]> consumer, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
        }
        throw new AssertionError("the new owner never received " + key);
    }

    /** The partition the producer's default partitioner picks for a key, on a topic with that many partitions. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(bytes(key))) % partitions;
    }
}
