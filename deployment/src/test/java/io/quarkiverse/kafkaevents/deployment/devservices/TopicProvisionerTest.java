package io.quarkiverse.kafkaevents.deployment.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig.Provisioning;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioner;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioningException;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicSpec;

/**
 * {@link TopicProvisioner} against a real broker, checked with a separate admin client.
 */
public class TopicProvisionerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    @TempDir
    static Path cacheDir;

    static DevBroker broker;
    static String bootstrap;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        System.clearProperty(DevBroker.RUNNING_BROKER);
        broker = new DevBroker(new DevBrokerSettings("4.1.1", OptionalInt.empty(), "128m", List.of(), null, Map.of(), 1,
                "INFO", Duration.ofSeconds(60), true), cacheDir);
        broker.start();
        bootstrap = broker.getConnectionInfo();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void createsMissingTopicsWithPartitionsAndConfig() throws Exception {
        String orders = topicName("orders");
        String payments = topicName("payments");
        List<TopicSpec> specs = List.of(
                spec(orders, 4, Map.of("retention.ms", "3600000"), "event type OrderPlaced"),
                spec(payments, 2, Map.of(), "event type PaymentReceived"));

        List<String> created = provisioner().provision(specs, Provisioning.CREATE);

        assertEquals(List.of(orders, payments), created);
        assertEquals(4, describe(orders).partitions().size());
        assertEquals(2, describe(payments).partitions().size());
        assertEquals("3600000", topicConfig(orders).get("retention.ms").value());

        // a second run finds everything in place
        assertEquals(List.of(), provisioner().provision(specs, Provisioning.CREATE));
        assertEquals(4, describe(orders).partitions().size());
    }

    @Test
    void sharedTopicIsCreatedOnceWithTheLargestPartitionCount() throws Exception {
        String shared = topicName("shared");
        List<TopicSpec> specs = List.of(
                spec(shared, 2, Map.of(), "event type A"),
                spec(shared, 5, Map.of(), "event type B"),
                spec(shared, 3, Map.of(), "event type C"));

        assertEquals(List.of(shared), provisioner().provision(specs, Provisioning.CREATE));
        assertEquals(5, describe(shared).partitions().size());
    }

    @Test
    void existingTopicWithOtherPartitionCountIsLeftUnchangedWithAWarning() throws Exception {
        String existing = topicName("existing");
        createDirectly(existing, 1);
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(TopicProvisioner.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            List<String> created = provisioner().provision(
                    List.of(spec(existing, 3, Map.of("retention.ms", "1000"), "event type Legacy")),
                    Provisioning.CREATE);
            assertEquals(List.of(), created);
        } finally {
            logger.removeHandler(handler);
        }

        assertEquals(1, describe(existing).partitions().size(), "an existing topic must not be altered");
        assertFalse("1000".equals(topicConfig(existing).get("retention.ms").value()),
                "the configuration of an existing topic must not be altered");

        List<String> warnings = records.stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> formatted(r))
                .toList();
        assertEquals(1, warnings.size(), records.stream().map(TopicProvisionerTest::formatted).toList().toString());
        String warning = warnings.get(0);
        assertTrue(warning.contains(existing), warning);
        assertTrue(warning.contains("1 partitions"), warning);
        assertTrue(warning.contains("3 are configured"), warning);
        assertTrue(warning.contains("event type Legacy"), warning);
    }

    @Test
    void validatePassesWhenTopicsExistWithEnoughPartitions() throws Exception {
        String exact = topicName("exact");
        String more = topicName("more");
        createDirectly(exact, 3);
        createDirectly(more, 6);

        List<String> result = provisioner().provision(
                List.of(spec(exact, 3, Map.of(), "event type Exact"), spec(more, 2, Map.of(), "event type More")),
                Provisioning.VALIDATE);

        assertEquals(List.of(), result);
    }

    @Test
    void validateListsEveryMissingAndUnderPartitionedTopic() throws Exception {
        String fine = topicName("fine");
        String small = topicName("small");
        String missing1 = topicName("missing");
        String missing2 = topicName("missing");
        createDirectly(fine, 3);
        createDirectly(small, 1);

        TopicProvisioningException e = assertThrows(TopicProvisioningException.class,
                () -> provisioner().provision(List.of(
                        spec(fine, 3, Map.of(), "event type Fine"),
                        spec(small, 2, Map.of(), "event type SmallA"),
                        spec(small, 4, Map.of(), "event type SmallB"),
                        spec(missing1, 3, Map.of(), "event type Missing1"),
                        spec(missing2, 3, Map.of(), "event type Missing2")), Provisioning.VALIDATE));

        String message = e.getMessage();
        assertFalse(message.contains(fine), message);
        assertTrue(message.contains(small), message);
        assertTrue(message.contains("has 1 partitions, expected at least 4"), message);
        assertTrue(message.contains("event type SmallA"), message);
        assertTrue(message.contains("event type SmallB"), message);
        assertTrue(message.contains(missing1), message);
        assertTrue(message.contains(missing2), message);
        assertTrue(message.contains("event type Missing1"), message);
        assertTrue(message.contains("event type Missing2"), message);
        assertTrue(message.contains("quarkus.kafka-events.topics.provisioning=create"), message);

        // validation creates nothing
        assertFalse(exists(missing1));
        assertFalse(exists(missing2));
        assertEquals(1, describe(small).partitions().size());
    }

    @Test
    void noneDoesNothing() throws Exception {
        String topic = topicName("none");

        assertEquals(List.of(), provisioner().provision(List.of(spec(topic, 3, Map.of(), "event type None")),
                Provisioning.NONE));
        assertFalse(exists(topic));

        // not even a connection attempt
        long start = System.nanoTime();
        TopicProvisioner unreachable = new TopicProvisioner(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), Duration.ofSeconds(2));
        assertEquals(List.of(), unreachable.provision(List.of(spec(topic, 3, Map.of(), "event type None")),
                Provisioning.NONE));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void concurrentProvisioningOfTheSameTopicsSucceedsEverywhere() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                List<TopicSpec> specs = List.of(
                        spec(topicName("race"), 2, Map.of(), "event type Race1"),
                        spec(topicName("race"), 3, Map.of(), "event type Race2"),
                        spec(topicName("race"), 1, Map.of(), "event type Race3"));
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    results.add(executor.submit(() -> {
                        TopicProvisioner provisioner = provisioner();
                        barrier.await(30, TimeUnit.SECONDS);
                        return provisioner.provision(specs, Provisioning.CREATE);
                    }));
                }
                List<String> first = results.get(0).get(60, TimeUnit.SECONDS);
                List<String> second = results.get(1).get(60, TimeUnit.SECONDS);

                Set<String> all = new HashSet<>(first);
                all.addAll(second);
                assertEquals(first.size() + second.size(), all.size(),
                        "a topic reported as created by both: " + first + " / " + second);
                assertEquals(specs.stream().map(TopicSpec::name).collect(java.util.stream.Collectors.toSet()), all);
                for (TopicSpec spec : specs) {
                    assertEquals(spec.partitions(), describe(spec.name()).partitions().size(), spec.name());
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void unreachableBrokerFailsWithinTheTimeoutNamingTheBroker() {
        TopicProvisioner provisioner = new TopicProvisioner(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), Duration.ofSeconds(2));
        String topic = topicName("unreachable");

        long start = System.nanoTime();
        TopicProvisioningException e = assertThrows(TopicProvisioningException.class,
                () -> provisioner.provision(List.of(spec(topic, 3, Map.of(), "event type Unreachable")),
                        Provisioning.CREATE));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(elapsedMillis < 5_000, "took " + elapsedMillis + " ms");
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertTrue(e.getMessage().contains("2s"), e.getMessage());
        assertTrue(e.getMessage().contains(topic), e.getMessage());

        // validation too
        start = System.nanoTime();
        e = assertThrows(TopicProvisioningException.class,
                () -> provisioner.provision(List.of(spec(topic, 3, Map.of(), "event type Unreachable")),
                        Provisioning.VALIDATE));
        elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis < 5_000, "took " + elapsedMillis + " ms");
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }

    @Test
    void brokerErrorsNameTheTopicAndTheError() throws Exception {
        String good = topicName("good");
        String badConfig = topicName("bad-config");
        String badReplication = topicName("bad-replication");

        TopicProvisioningException e = assertThrows(TopicProvisioningException.class,
                () -> provisioner().provision(List.of(
                        spec(good, 1, Map.of(), "event type Good"),
                        spec(badConfig, 1, Map.of("retention.ms", "not-a-number"), "event type BadConfig"),
                        new TopicSpec(badReplication, 1, Optional.of((short) 3), Map.of(),
                                "event type BadReplication")),
                        Provisioning.CREATE));

        String message = e.getMessage();
        assertTrue(message.contains(badConfig), message);
        assertTrue(message.contains("event type BadConfig"), message);
        assertTrue(message.contains("retention.ms"), message);
        assertTrue(message.contains(badReplication), message);
        assertTrue(message.contains("InvalidReplicationFactorException"), message);
        assertTrue(exists(good), "the valid topic is still created");
        assertFalse(exists(badConfig));
        assertFalse(exists(badReplication));
    }

    // helpers

    private static TopicProvisioner provisioner() {
        return new TopicProvisioner(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), TIMEOUT);
    }

    private static TopicSpec spec(String name, int partitions, Map<String, String> config, String neededBy) {
        return new TopicSpec(name, partitions, Optional.empty(), config, neededBy);
    }

    private static String topicName(String prefix) {
        return "provisioner-" + prefix + "-" + TOPIC_COUNTER.incrementAndGet();
    }

    private static void createDirectly(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        describe(name);
    }

    /** Describes a topic, waiting briefly for its metadata to reach the broker after creation. */
    private static TopicDescription describe(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean exists(String name) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name);
    }

    private static Config topicConfig(String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get(30,
                TimeUnit.SECONDS);
        Config config = configs.get(resource);
        if (config == null) {
            fail("no configuration for " + name);
        }
        return config;
    }

    private static String formatted(LogRecord record) {
        Object[] parameters = record.getParameters();
        String message = record.getMessage();
        if (parameters == null || parameters.length == 0) {
            return message;
        }
        try {
            return String.format(message, parameters);
        } catch (RuntimeException e) {
            return java.text.MessageFormat.format(message, parameters);
        }
    }
}
