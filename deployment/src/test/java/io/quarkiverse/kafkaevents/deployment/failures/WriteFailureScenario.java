package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;

/**
 * When the record a failure leads to (a dead-letter or a retry record) cannot be written, the failed record is not
 * acknowledged, so its offset is never committed: it will be delivered again. Subclasses name the topics and publish
 * the events of their own application.
 */
abstract class WriteFailureScenario {

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The consumed topic (one partition). */
    abstract String topic();

    /** The topic the broker is made to refuse. */
    abstract String refusedTopic();

    abstract String group();

    /** Publishes an event that the handler fails ({@code fail}) or handles. */
    abstract void publish(String id, boolean fail);

    /** Whether the handler was called for the event. */
    abstract boolean handled(String id);

    @Test
    void failedWriteLeavesTheOffsetUncommitted() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            // a handled record first, so the group has a committed offset
            publish("t-ok", false);
            TopicPartition partition = new TopicPartition(topic(), 0);
            long committed = awaitCommitted(admin, partition, 1);

            // the broker now refuses every record of the topic the failure leads to
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, refusedTopic()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "16"), AlterConfigOp.OpType.SET))))
                    .all().get();

            publish("t-fail", true);
            publish("t-after", false);
            FailureRecords.await(() -> handled("t-fail") && handled("t-after"));
            FailureRecords.sleep(7000); // several commit intervals (throttled strategy commits every 5 s)

            List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, topic());
            long failedOffset = records.stream().filter(r -> "t-fail".equals(r.key())).findFirst().orElseThrow().offset();
            assertEquals(committed, failedOffset, "the committed offset stops at the record whose write failed");
            assertEquals(failedOffset, committedOffset(admin, partition));
            assertTrue(RawRecords.readAll(bootstrap, refusedTopic()).stream().noneMatch(r -> "t-fail".equals(r.key())));
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
