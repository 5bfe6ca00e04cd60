package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A blocking handler is fed by a drain per partition on a worker thread: the records of a partition are handled in
 * order, each once, and runs of consecutive records of a partition on one thread (no worker hop per record).
 */
public class BlockingDrainTest {

    static final int PARTITIONS = 3;
    static final int PER_PARTITION = 3000;

    @EventTopic(value = "meter-ticks", domain = "drain")
    public record Tick(@PartitionKey String meter, int sequence) {
    }

    /** One handler call: its thread, partition and offset. */
    record Call(String thread, int partition, long offset) {
    }

    public static class Seen {
        static final CountDownLatch GATE = new CountDownLatch(1);
        static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    }

    public static class TickHandler {
        @EventHandler
        void on(Tick tick, EventContext context) throws InterruptedException {
            // holds the first calls until every record is published: each partition has a backlog to drain
            if (!Seen.GATE.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            Seen.CALLS.add(new Call(Thread.currentThread().getName(), context.partition(), context.offset()));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Tick.class, Call.class, Seen.class, TickHandler.class))
            .overrideConfigKey("quarkus.application.name", "drain-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"Tick\".partitions", String.valueOf(PARTITIONS));

    @Inject
    EventPublisher publisher;

    @Test
    void partitionsDrainedInOrderOncePerRecordInRunsOnOneThread() throws Exception {
        List<String> keys = keysPerPartition();
        List<Tick> batch = new ArrayList<>();
        for (int sequence = 0; sequence < PER_PARTITION; sequence++) {
            for (String key : keys) {
                batch.add(new Tick(key, sequence));
            }
            if (batch.size() >= 900) {
                publisher.publishAll(batch).await().atMost(Duration.ofSeconds(60));
                batch = new ArrayList<>();
            }
        }
        publisher.publishAll(batch).await().atMost(Duration.ofSeconds(60));
        Seen.GATE.countDown();

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (Seen.CALLS.size() < PARTITIONS * PER_PARTITION && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Call> calls = new ArrayList<>(Seen.CALLS);
        assertEquals(PARTITIONS * PER_PARTITION, calls.size(), "records handled");

        Map<Integer, List<Call>> byPartition = new TreeMap<>();
        for (Call call : calls) {
            byPartition.computeIfAbsent(call.partition(), p -> new ArrayList<>()).add(call);
        }
        assertEquals(PARTITIONS, byPartition.size(), "partitions handled: " + byPartition.keySet());
        for (Map.Entry<Integer, List<Call>> partition : byPartition.entrySet()) {
            List<Call> ofPartition = partition.getValue();
            assertEquals(PER_PARTITION, ofPartition.size(), "records of partition " + partition.getKey());
            Set<String> threads = new HashSet<>();
            int runs = 1;
            int run = 1;
            int longestRun = 1;
            for (int i = 1; i < ofPartition.size(); i++) {
                assertTrue(ofPartition.get(i).offset() > ofPartition.get(i - 1).offset(),
                        "offsets of partition " + partition.getKey() + " in order, once each: "
                                + ofPartition.get(i - 1) + " then " + ofPartition.get(i));
                if (ofPartition.get(i).thread().equals(ofPartition.get(i - 1).thread())) {
                    run++;
                    longestRun = Math.max(longestRun, run);
                } else {
                    runs++;
                    run = 1;
                }
                threads.add(ofPartition.get(i).thread());
            }
            // the gate left hundreds of records queued per partition: a drain takes up to 128 of them on its thread
            String description = "partition " + partition.getKey() + ": " + runs + " runs of one thread for "
                    + ofPartition.size() + " records, the longest " + longestRun + ", on threads " + threads;
            System.out.println("BlockingDrainTest " + description);
            assertTrue(longestRun >= 64, description);
        }
    }

    /** A key for each partition, by the producer's default partitioner. */
    static List<String> keysPerPartition() {
        String[] keys = new String[PARTITIONS];
        int found = 0;
        for (int i = 0; found < PARTITIONS; i++) {
            String key = "meter-" + i;
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (keys[partition] == null) {
                keys[partition] = key;
                found++;
            }
        }
        return List.of(keys);
    }
}
