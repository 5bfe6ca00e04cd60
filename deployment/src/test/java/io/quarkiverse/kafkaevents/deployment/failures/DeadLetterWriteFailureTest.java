package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * When the dead-letter record cannot be written, the failed record is not acknowledged, so its offset is never
 * committed: it will be delivered again.
 */
public class DeadLetterWriteFailureTest {

    static final String TOPIC = "test.dlt-failure.public.transfers";
    static final String DLT = TOPIC + ".dead-letter";

    @EventTopic(value = "transfers", domain = "dlt-failure")
    public record TransferMade(@PartitionKey String id, boolean fail) {
    }

    public static class Handled {
        static final Map<String, Boolean> IDS = new ConcurrentHashMap<>();
    }

    public static class TransferHandler {
        @EventHandler
        void on(TransferMade transfer) {
            Handled.IDS.put(transfer.id(), true);
            if (transfer.fail()) {
                throw new IllegalStateException("cannot transfer " + transfer.id());
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TransferMade.class, Handled.class, TransferHandler.class,
                    RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "dlt-failure-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "none")
            .overrideConfigKey("quarkus.kafka-events.events.\"TransferMade\".partitions", "1");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void failedDeadLetterWriteLeavesTheOffsetUncommitted() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            // a handled record first, so the group has a committed offset
            publisher.publish(new TransferMade("t-ok", false)).await().atMost(Duration.ofSeconds(30));
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            long committed = awaitCommitted(admin, partition, 1);

            // the broker now refuses every dead-letter record
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, DLT),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "16"), AlterConfigOp.OpType.SET))))
                    .all().get();

            publisher.publish(new TransferMade("t-fail", true)).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new TransferMade("t-after", false)).await().atMost(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Handled.IDS.containsKey("t-after") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Handled.IDS.containsKey("t-fail") && Handled.IDS.containsKey("t-after"));
            Thread.sleep(7000); // several commit intervals (throttled strategy commits every 5 s)

            List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, TOPIC);
            long failedOffset = records.stream().filter(r -> "t-fail".equals(r.key())).findFirst().orElseThrow().offset();
            assertEquals(committed, failedOffset, "the committed offset stops at the record whose dead-letter write failed");
            assertEquals(failedOffset, committedOffset(admin, partition));
            assertTrue(RawRecords.readAll(bootstrap, DLT).stream().noneMatch(r -> "t-fail".equals(r.key())));
        }
    }

    private long awaitCommitted(Admin admin, TopicPartition partition, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long offset = -1;
        while (System.nanoTime() < deadline) {
            offset = committedOffset(admin, partition);
            if (offset >= atLeast) {
                return offset;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no offset committed for " + partition + ", last seen " + offset);
    }

    private static long committedOffset(Admin admin, TopicPartition partition) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("dlt-failure-test")
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(partition);
        return offset == null ? -1 : offset.offset();
    }
}
