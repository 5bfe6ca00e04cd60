package io.quarkiverse.kafkaevents.deployment.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The dev broker in {@code sasl-ssl} mode (SCRAM-SHA-512 over TLS): the publisher, the handlers' consumers, topic
 * provisioning, the health check's admin client and the dead-letter replayer all connect with the application's
 * {@code kafka.*} security settings; a client without them cannot; and the password appears in no log line nor health
 * output.
 */
public class SecureDevBrokerTest {

    static final String TOPIC = "test.secure.public.vaults";
    static final String PASSWORD_PROPERTY = "kafka-events.test.dev-broker-password";

    @EventTopic(value = "vaults", domain = "secure")
    public record VaultOpened(@PartitionKey String id, boolean fail) {
    }

    public static class Handled {
        static final Map<String, List<Integer>> ATTEMPTS = new ConcurrentHashMap<>();
    }

    public static class Vaults {
        @EventHandler
        void on(VaultOpened vault, EventContext context) {
            Handled.ATTEMPTS.computeIfAbsent(vault.id(), id -> new CopyOnWriteArrayList<>()).add(context.attempt());
            if (vault.fail() && Handled.ATTEMPTS.get(vault.id()).size() == 1) {
                throw new IllegalStateException("vault " + vault.id() + " is jammed");
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(VaultOpened.class, Handled.class, Vaults.class,
                    HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "secure-test")
            .overrideConfigKey("quarkus.kafka-events.devservices.security", "sasl-ssl")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "1")
            .overrideConfigKey("quarkus.log.category.\"org.apache.kafka\".level", "DEBUG")
            .setLogRecordPredicate(record -> true)
            .assertLogRecords(SecureDevBrokerTest::noSecretInLogs);

    @Inject
    EventPublisher publisher;

    @Inject
    DeadLetterReplayer replayer;

    @Test
    void everyClientConnectsWithTheApplicationsSecuritySettings() throws Exception {
        Map<String, Object> security = securitySettings();
        assertEquals("SASL_SSL", security.get("security.protocol"));
        String jaas = (String) security.get("sasl.jaas.config");
        // kept where the log assertion, run after the application stopped (another class loader), finds it
        System.setProperty(PASSWORD_PROPERTY, jaas.substring(jaas.indexOf("password=\"") + 10, jaas.lastIndexOf('"')));

        // publisher (producer), handler (consumer), provisioning (admin at start-up) and a failing handler's
        // dead-letter write
        publisher.publish(new VaultOpened("v-1", false)).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new VaultOpened("v-2", true)).await().atMost(Duration.ofSeconds(30));
        await(() -> Handled.ATTEMPTS.containsKey("v-1") && Handled.ATTEMPTS.containsKey("v-2"));
        List<ConsumerRecord<String, byte[]>> records = readAll(security, TOPIC);
        assertEquals(List.of("v-1", "v-2"), records.stream().map(ConsumerRecord::key).sorted().toList());
        await(() -> readAll(security, TOPIC + ".dead-letter").stream().anyMatch(r -> "v-2".equals(r.key())));

        // the dead-letter replayer's clients
        int replayed = replayer.replay(TOPIC, Instant.now().minusSeconds(600), Instant.now(), 10)
                .await().atMost(Duration.ofSeconds(30));
        assertEquals(1, replayed);
        await(() -> Handled.ATTEMPTS.get("v-2").size() == 2);

        // the broker health check's admin client; no secret in its output
        HealthProbe.Answer well = HealthProbe.await("well", true);
        assertTrue(java.util.regex.Pattern.compile("\"broker\"\\s*:\\s*\"reachable\"").matcher(well.body()).find(),
                well.body());
        assertFalse(well.body().contains(System.getProperty(PASSWORD_PROPERTY)), "the password is in the health output");
    }

    @Test
    void aClientWithoutTheRightCredentialsCannotConnect() throws Exception {
        // the broker is up and takes the application's credentials...
        Map<String, Object> right = securitySettings();
        right.put("request.timeout.ms", "3000");
        right.put("default.api.timeout.ms", "3000");
        try (Admin admin = Admin.create(right)) {
            assertTrue(admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).clusterId()
                    .get(10, TimeUnit.SECONDS).length() > 0);
        }
        // ...refuses a wrong password, saying so (not a timeout, as for a broker that is simply down)...
        Map<String, Object> wrong = new java.util.HashMap<>(right);
        String jaas = (String) right.get("sasl.jaas.config");
        wrong.put("sasl.jaas.config", jaas.substring(0, jaas.indexOf("password=\"") + 10) + "not-the-password\";");
        try (Admin admin = Admin.create(wrong)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(3000)).clusterId()
                    .get(10, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof org.apache.kafka.common.errors.SaslAuthenticationException,
                    failure.getCause().toString());
            assertTrue(failure.getCause().getMessage().contains("invalid credentials"), failure.getCause().getMessage());
        }
        // ...and gives a client without the security settings nothing (a plaintext client cannot speak to a TLS
        // listener: it sees its connection closed until its timeout)
        Properties plain = new Properties();
        plain.put("bootstrap.servers", right.get("bootstrap.servers"));
        plain.put("request.timeout.ms", "3000");
        plain.put("default.api.timeout.ms", "3000");
        try (Admin admin = Admin.create(plain)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(3000)).clusterId()
                    .get(10, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof org.apache.kafka.common.errors.TimeoutException,
                    failure.getCause().toString());
        }
    }

    /** The application's {@code kafka.*} settings, as Kafka client properties. */
    static Map<String, Object> securitySettings() {
        Map<String, Object> settings = new java.util.HashMap<>();
        for (String key : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password")) {
            settings.put(key, ConfigProvider.getConfig().getValue("kafka." + key, String.class));
        }
        return settings;
    }

    static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> security, String topic) {
        Map<String, Object> props = new java.util.HashMap<>(security);
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    static void noSecretInLogs(List<LogRecord> records) {
        String password = System.getProperty(PASSWORD_PROPERTY);
        assertTrue(password != null && password.length() > 16, "the test read the broker's password");
        assertTrue(records.size() > 50, "log records captured: " + records.size());
        for (LogRecord record : records) {
            String text = (record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage())
                    + (record.getThrown() == null ? "" : " " + record.getThrown());
            assertFalse(text.contains(password), "a log line shows the password: " + record.getLoggerName());
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s; handled " + Handled.ATTEMPTS);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
