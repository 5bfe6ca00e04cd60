package io.quarkiverse.kafkaevents.deployment.commits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * What a member gives up in a rebalance is committed before its new owner starts: with periodic commits out of the
 * way (a 10-minute interval), the handled records' offset is committed when another member joins the group, and the
 * new owner of the partition receives none of them again.
 */
public class RevocationCommitTest {

    static final String TOPIC = "test.revocation-commit-test.public.gates-opened";
    static final String GROUP = "test.revocation-commit-test";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    static final int EVENTS = 20;

    @EventTopic(value = "gates-opened", pluralize = false)
    public record GateOpened(@PartitionKey String gate) {
    }

    public static class Gates {
        static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(GateOpened opened) {
            HANDLED.add(opened.gate());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(GateOpened.class, Gates.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "revocation-commit-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"GateOpened\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Gates.class.getName()
                    + "#on\".kafka.\"auto.commit.interval.ms\"", "600000");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void handledRecordsAreCommittedWhenThePartitionIsRevoked() throws Exception {
        List<GateOpened> gates = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            gates.add(new GateOpened("gate-" + i));
        }
        publisher.publishAll(gates).await().atMost(Duration.ofSeconds(30));
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Gates.HANDLED.size() < EVENTS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(EVENTS, Gates.HANDLED.size(), "handled");
            Thread.sleep(500);
            assertEquals(-1, commits.committed(GROUP, PARTITION), "committed before any revocation or interval");

            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("group.id", GROUP);
            props.put("enable.auto.commit", "false");
            props.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<byte[], byte[]> joining = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                joining.subscribe(List.of(TOPIC));
                List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                // the rebalance completes within the joining member's polls
                while (System.nanoTime() < until && commits.committed(GROUP, PARTITION) < 0) {
                    joining.poll(Duration.ofMillis(200)).forEach(received::add);
                }
                assertEquals(EVENTS, commits.committed(GROUP, PARTITION), "offset committed on revocation");
                if (joining.assignment().contains(PARTITION)) {
                    for (int i = 0; i < 10; i++) {
                        joining.poll(Duration.ofMillis(200)).forEach(received::add);
                    }
                }
                assertEquals(List.of(), received, "records handled before the rebalance received again");
            }
        }
    }
}
