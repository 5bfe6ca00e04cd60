package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * When the broker refuses the record a failure leads to (a dead-letter or a retry record), the failed record stays at
 * the head of its partition, unacknowledged: its offset is not committed, the records behind it wait, readiness reports
 * the refused write and liveness turns DOWN once the partition has stalled. When the broker takes the write again, the
 * record and those behind it are finished and committed. Subclasses configure their application ({@link #app}) and name
 * the topic the broker is made to refuse.
 */
abstract class WriteFailureScenario {

    @EventTopic(value = "transfers", domain = "write-failure")
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

    /**
     * An application whose transfers go to {@code topic} (one partition), consumed by group {@code group}, with the
     * given failure mode.
     */
    static QuarkusUnitTest app(String topic, String group, String mode) {
        return new QuarkusUnitTest()
                .withApplicationRoot(jar -> jar.addClasses(WriteFailureScenario.class, TransferMade.class,
                        Handled.class, TransferHandler.class, RawRecords.class, FailureRecords.class,
                        HealthProbe.class))
                .overrideConfigKey("quarkus.application.name", group)
                // the group named exactly, instead of the default "<environment>.<application name>"
                .overrideConfigKey("quarkus.kafka-events.group-id", group)
                .overrideConfigKey("quarkus.kafka-events.failure.mode", mode)
                .overrideConfigKey("quarkus.kafka-events.events.\"TransferMade\".topic", topic)
                .overrideConfigKey("quarkus.kafka-events.events.\"TransferMade\".partitions", "1")
                .overrideConfigKey("quarkus.kafka-events.failure.write-retry-max-backoff", "1s")
                .overrideConfigKey("quarkus.kafka-events.health.stalled-after", "3s")
                .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "100ms");
    }

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The consumed topic (one partition). */
    abstract String topic();

    /** The topic the broker is made to refuse. */
    abstract String refusedTopic();

    abstract String group();

    private void publish(String id, boolean fail) {
        publisher.publish(new TransferMade(id, fail)).await().atMost(Duration.ofSeconds(30));
    }

    private static boolean handled(String id) {
        return Handled.IDS.containsKey(id);
    }

    @Test
    void refusedWriteHoldsThePartitionUntilTheBrokerTakesIt() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            // a handled record first, so the group has a committed offset
            publish("t-ok", false);
            TopicPartition partition = new TopicPartition(topic(), 0);
            long committed = awaitCommitted(admin, partition, 1);
            HealthProbe.await("live", true);

            // the broker now refuses every record of the topic the failure leads to
            ConfigResource refused = new ConfigResource(ConfigResource.Type.TOPIC, refusedTopic());
            admin.incrementalAlterConfigs(Map.of(refused, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", "16"), AlterConfigOp.OpType.SET)))).all().get();

            publish("t-fail", true);
            publish("t-after", false);
            FailureRecords.await(() -> handled("t-fail"));
            // a refused write is a cause every instance shares (the topic): wellness, never readiness
            HealthProbe.Answer well = HealthProbe.await("well", false);
            assertTrue(well.body().contains("failing-writes.") && well.body().contains(refusedTopic()), well.body());
            HealthProbe.Answer ready = HealthProbe.get("ready");
            assertTrue(ready.up(), ready.body());
            HealthProbe.Answer live = HealthProbe.await("live", false);
            assertTrue(live.body().contains("stalled.") && live.body().contains(topic() + "-0@"), live.body());
            FailureRecords.sleep(5500); // more than one commit interval (throttled strategy commits every 5 s)

            List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, topic());
            long failedOffset = records.stream().filter(r -> "t-fail".equals(r.key())).findFirst().orElseThrow().offset();
            assertEquals(committed, failedOffset, "the committed offset stops at the record whose write failed");
            assertEquals(failedOffset, committedOffset(admin, partition));
            assertFalse(handled("t-after"), "the record behind the refused write waits");
            assertTrue(RawRecords.readAll(bootstrap, refusedTopic()).stream().noneMatch(r -> "t-fail".equals(r.key())));

            // the broker takes the write again: the failed record lands, the one behind it is handled, all committed
            admin.incrementalAlterConfigs(Map.of(refused, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
            FailureRecords.await(() -> handled("t-after"));
            FailureRecords.awaitSingle(bootstrap, refusedTopic(), "t-fail");
            awaitCommitted(admin, partition, failedOffset + 2);
            HealthProbe.await("live", true);
            HealthProbe.await("well", true);
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

    private long committedOffset(Admin admin, TopicPartition partition) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group())
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(partition);
        return offset == null ? -1 : offset.offset();
    }
}
