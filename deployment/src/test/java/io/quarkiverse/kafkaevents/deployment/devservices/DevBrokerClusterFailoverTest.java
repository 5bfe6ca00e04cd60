package io.quarkiverse.kafkaevents.deployment.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.test.QuarkusUnitTest;

/**
 * With {@code nodes=3} the dev broker is a real three-node KRaft cluster: replication defaults that survive one node,
 * and a node that a test can kill with SIGKILL and start again with its data.
 */
public class DevBrokerClusterFailoverTest {

    private static final Logger LOG = Logger.getLogger(DevBrokerClusterFailoverTest.class);
    private static final String TOPIC = "cluster-failover";
    private static final int RECORDS = 500;

    /** Its topic has one replica per partition: a partition on a killed node has no leader until the node is back. */
    @EventTopic(value = "unreplicated", pluralize = false)
    public record Unreplicated(@PartitionKey String id) {
    }

    static final String UNREPLICATED = "test.cluster-failover-test.public.unreplicated";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(DevBrokerProcesses.class, Unreplicated.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "cluster-failover-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"Unreplicated\".partitions", "3")
            .overrideConfigKey("quarkus.kafka-events.events.\"Unreplicated\".replication-factor", "1")
            .overrideConfigKey("quarkus.kafka-events.health.cache-for", "200ms")
            .overrideConfigKey("quarkus.kafka-events.devservices.nodes", "3")
            .overrideConfigKey("quarkus.http.test-port", "0")
            // a killed node is fenced (and its partitions move) after 3 s instead of 9 s
            .overrideConfigKey("quarkus.kafka-events.devservices.broker-properties.\"broker.session.timeout.ms\"", "3000")
            .overrideConfigKey("quarkus.kafka-events.devservices.broker-properties.\"broker.heartbeat.interval.ms\"",
                    "500");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = DevBrokerCluster.DIR_PROPERTY)
    String clusterDir;

    @Test
    void acknowledgedRecordsSurviveTheLeaderKilledAndTheNodeRejoins() throws Exception {
        assertEquals(3, bootstrapServers.split(",").length, bootstrapServers);
        DevBrokerCluster cluster = DevBrokerCluster.at(Path.of(clusterDir));
        assertEquals(cluster.dir(), DevBrokerCluster.current().dir());
        assertEquals(bootstrapServers, cluster.bootstrapServers());
        assertEquals(3, DevBrokerProcesses.children().size(), "broker JVMs: " + DevBrokerProcesses.children());
        for (DevBrokerCluster.Node node : cluster.nodes()) {
            LOG.infof("Dev broker node %d: pid %d, RSS %d MB", node.id(), node.pid(), rssMegabytes(node.pid()));
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            // replication factor and min.insync.replicas come from the cluster defaults
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty()))).all()
                    .get(30, TimeUnit.SECONDS);
            TopicPartitionInfo partition = describe(admin);
            assertEquals(3, partition.replicas().size(), partition.toString());
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            assertEquals("2", admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("min.insync.replicas").value());

            Set<String> expected = new TreeSet<>();
            try (KafkaProducer<String, String> producer = producer()) {
                send(producer, 0, expected);

                int leader = partition.leader().id();
                DevBrokerCluster.Node node = cluster.node(leader);
                long killedPid = node.pid();
                long killedAt = System.nanoTime();
                node.kill();
                assertFalse(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false));
                assertEquals(2, DevBrokerProcesses.children().size());

                // acks=all still succeeds with two in-sync replicas out of three
                send(producer, RECORDS, expected);
                TopicPartitionInfo afterKill = describe(admin);
                assertNotEquals(leader, afterKill.leader().id(), afterKill.toString());
                LOG.infof("Leader %d killed; new leader %d, %d records acknowledged %d ms after the kill", leader,
                        afterKill.leader().id(), RECORDS, (System.nanoTime() - killedAt) / 1_000_000);

                assertEquals(expected, consumeAll(expected.size()), "acknowledged records lost or duplicated");

                // a partition of the unreplicated topic lived on the killed node: once the node is fenced it has no
                // leader. Every instance shares that cause: the wellness check says so, readiness stays UP
                int lost = unreplicatedOn(admin, leader);
                HealthProbe.Answer well = HealthProbe.await("well", false);
                assertTrue(well.body().contains("topic." + UNREPLICATED)
                        && well.body().contains("3 partitions, without leader: [" + lost + "]"), well.body());
                HealthProbe.Answer ready = HealthProbe.get("ready");
                assertTrue(ready.up(), ready.body());

                long restartAt = System.nanoTime();
                node.start(Duration.ofSeconds(60));
                assertTrue(node.isRunning());
                awaitIsr(admin, 3, Duration.ofSeconds(45));
                LOG.infof("Node %d restarted (pid %d) and back in the ISR in %d ms", leader, node.pid(),
                        (System.nanoTime() - restartAt) / 1_000_000);
                assertEquals(3, DevBrokerProcesses.children().size(), "broker JVMs: " + DevBrokerProcesses.children());
                HealthProbe.await("well", true);
            }
        }
    }

    /** The partition of the unreplicated topic whose only replica is on the node. */
    private static int unreplicatedOn(Admin admin, int node) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(UNREPLICATED)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(UNREPLICATED);
        return description.partitions().stream().filter(p -> p.replicas().get(0).id() == node).findFirst()
                .orElseThrow(() -> new AssertionError("no partition on node " + node + ": " + description))
                .partition();
    }

    private static TopicPartitionInfo describe(Admin admin) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        return description.partitions().get(0);
    }

    private static void awaitIsr(Admin admin, int size, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartitionInfo partition = describe(admin);
        while (partition.isr().size() < size && System.nanoTime() < deadline) {
            Thread.sleep(250);
            partition = describe(admin);
        }
        assertEquals(size, partition.isr().size(), "ISR after " + timeout.toSeconds() + " s: " + partition);
    }

    private KafkaProducer<String, String> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, int from, Set<String> acknowledged)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = from; i < from + RECORDS; i++) {
            sent.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i % 10, "record-" + i)));
        }
        for (int i = 0; i < sent.size(); i++) {
            sent.get(i).get(60, TimeUnit.SECONDS);
            acknowledged.add("record-" + (from + i));
        }
    }

    private Set<String> consumeAll(int expected) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Set<String> values = new TreeSet<>();
        List<String> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (all.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    all.add(record.value());
                }
            }
        }
        values.addAll(all);
        assertEquals(values.size(), all.size(), "duplicates read back");
        return values;
    }

    private static long rssMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }
}
