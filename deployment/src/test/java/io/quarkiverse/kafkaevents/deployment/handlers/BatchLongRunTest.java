package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A poll of thousands of records that all finish at once but not as {@code DONE} (unreadable records with
 * dead-lettering off: each is logged, skipped and acknowledged through a {@code Uni} that completes on subscription)
 * on a channel with a batch handler: the run goes on in a loop, not one stack frame deeper per record, and the valid
 * events behind them are handled and every offset committed.
 */
public class BatchLongRunTest {

    static final String TOPIC = "test.long-run-test.public.beacons";
    static final int UNREADABLE = 4000;

    @EventTopic(value = "beacons", pluralize = false)
    public record Beacon(String id) {
    }

    public static class Beacons {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @EventHandler
        void on(List<Beacon> beacons) {
            beacons.forEach(beacon -> SEEN.add(beacon.id()));
        }
    }

    static final String HANDLER = "quarkus.kafka-events.handlers.\"" + Beacons.class.getName() + "#on\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Beacon.class, Beacons.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "long-run-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"Beacon\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.dead-letter.enabled", "false")
            // large polls: the broker answers a fetch once 256 KiB are there (or after 2 s)
            .overrideConfigKey(HANDLER + "\"max.poll.records\"", "10000")
            .overrideConfigKey(HANDLER + "\"fetch.min.bytes\"", "262144")
            .overrideConfigKey(HANDLER + "\"fetch.max.wait.ms\"", "2000")
            .overrideConfigKey(HANDLER + "\"auto.commit.interval.ms\"", "200");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void thousandsOfRecordsFinishedAtOnceInOneRun() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("linger.ms", "50");
        props.put("batch.size", "1048576");
        byte[] filler = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < UNREADABLE; i++) {
                // a binary-mode CloudEvent without ce_id: unreadable
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, "k", filler);
                record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_type", "Beacon".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            for (int i = 0; i < 3; i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, "k",
                        ("{\"id\":\"b" + i + "\"}").getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", ("id-" + i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_type", "Beacon".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_source", "/test".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Beacons.SEEN.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of("b0", "b1", "b2"), Beacons.SEEN, "the events behind the unreadable records");
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            long end = commits.endOffset(partition);
            assertTrue(end >= UNREADABLE + 3, "end offset " + end);
            assertEquals(end, commits.awaitCommitted("test.long-run-test", partition, c -> c == end,
                    Duration.ofSeconds(30)), "committed offset");
        }
    }
}
