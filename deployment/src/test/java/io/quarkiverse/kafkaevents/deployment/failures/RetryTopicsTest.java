package io.quarkiverse.kafkaevents.deployment.failures;

import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.await;
import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.bytes;
import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Failure mode {@code retry-topics}: failed records move through {@code <topic>.retry-<n>}, each consumed once its
 * backoff has passed, then to the dead-letter topic; the source partition moves on meanwhile.
 */
public class RetryTopicsTest {

    static final String TOPIC = "test.shipping.public.parcels";
    static final String RETRY_1 = TOPIC + ".retry-1";
    static final String RETRY_2 = TOPIC + ".retry-2";
    static final String RETRY_3 = TOPIC + ".retry-3";
    static final String DLT = TOPIC + ".dead-letter";

    @EventTopic(value = "parcels", domain = "shipping")
    public record ParcelShipped(@PartitionKey String parcelId, String behaviour) {
    }

    public static class Seen {
        static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
        static final Map<String, Instant> HANDLED_AT = new ConcurrentHashMap<>();
        static final Map<String, String> CONTEXT = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> AUDITED = new ConcurrentHashMap<>();
        static final Map<String, Long> TIMESTAMP = new ConcurrentHashMap<>();
        static final Map<String, Long> LAG = new ConcurrentHashMap<>();
    }

    public static class ParcelHandler {
        @EventHandler
        void on(ParcelShipped parcel, EventContext context) {
            int attempt = Seen.ATTEMPTS.computeIfAbsent(parcel.parcelId(), k -> new AtomicInteger()).incrementAndGet();
            switch (parcel.behaviour()) {
                case "always-fails" -> throw new IllegalStateException("carrier down for " + parcel.parcelId());
                case "invalid" -> throw new IllegalArgumentException("no address");
                case "fails-twice" -> {
                    if (attempt < 3) {
                        throw new IllegalStateException("transient");
                    }
                }
                default -> {
                }
            }
            Seen.CONTEXT.put(parcel.parcelId(), context.attempt() + "|" + context.topic() + "|" + context.group());
            Seen.TIMESTAMP.put(parcel.parcelId(), context.timestamp().toEpochMilli());
            Seen.LAG.put(parcel.parcelId(), context.lag().toMillis());
            Seen.HANDLED_AT.put(parcel.parcelId(), Instant.now());
        }
    }

    /**
     * A second handler of the same type: it must not be called again when only the first one fails. It has no
     * settings of its own, so the event type's apply.
     */
    public static class AuditHandler {
        @EventHandler
        void audit(ParcelShipped parcel) {
            Seen.AUDITED.computeIfAbsent(parcel.parcelId(), k -> new AtomicInteger()).incrementAndGet();
            if (parcel.behaviour().equals("audit-fails")) {
                throw new IllegalStateException("audit log full");
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class, Seen.class, ParcelHandler.class,
                    AuditHandler.class, RawRecords.class, FailureRecords.class))
            .overrideConfigKey("quarkus.application.name", "retry-topics-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "retry-topics")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".partitions", "4")
            // global, event type and handler settings: the handler's win
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "5s")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelShipped\".initial-backoff", "2s")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + ParcelHandler.class.getName() + "#on\".max-attempts",
                    "4")
            .overrideConfigKey(
                    "quarkus.kafka-events.handlers.\"" + ParcelHandler.class.getName() + "#on\".initial-backoff",
                    "500ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.multiplier", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0")
            .overrideConfigKey("quarkus.kafka-events.failure.non-retryable", "java.lang.IllegalArgumentException");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void retryTopicsAreProvisionedWithTheSourcePartitionCount() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(TOPIC, RETRY_1, RETRY_2, RETRY_3, DLT))
                    .allTopicNames().get();
            for (TopicDescription topic : topics.values()) {
                assertEquals(4, topic.partitions().size(), topic.name());
            }
            // four attempts in all for the handler with the most (its own setting): three retries, three retry topics
            assertFalse(admin.listTopics().names().get().contains(TOPIC + ".retry-4"));
        }
    }

    @Test
    void failedRecordMovesThroughTheRetryTopicsAndSucceeds() {
        publisher.publish(new ParcelShipped("p-transient", "fails-twice")).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.HANDLED_AT.containsKey("p-transient"));
        // the handler sees the original topic and the attempt number
        assertEquals("3|" + TOPIC + "|test.retry-topics-test", Seen.CONTEXT.get("p-transient"));
        // the handler that did not fail was called once, not once per attempt
        assertEquals(1, Seen.AUDITED.get("p-transient").get());

        ConsumerRecord<String, byte[]> original = single(TOPIC, "p-transient");
        ConsumerRecord<String, byte[]> first = single(RETRY_1, "p-transient");
        ConsumerRecord<String, byte[]> second = single(RETRY_2, "p-transient");
        for (ConsumerRecord<String, byte[]> retry : List.of(first, second)) {
            // same key, value, partition and CloudEvents headers as the original record
            assertArrayEquals(original.value(), retry.value());
            assertEquals(original.partition(), retry.partition());
            Map<String, String> headers = headers(retry);
            assertEquals(headers(original).get("ce_id"), headers.get("ce_id"));
            assertEquals("ParcelShipped", headers.get("ce_type"));
            assertEquals(TOPIC, headers.get("kafka-events-retry-original-topic"));
            assertEquals(Integer.toString(original.partition()), headers.get("kafka-events-retry-original-partition"));
            assertEquals(Long.toString(original.offset()), headers.get("kafka-events-retry-original-offset"));
            assertEquals("test.retry-topics-test", headers.get("kafka-events-retry-group"));
            assertEquals(ParcelHandler.class.getName() + "#on", headers.get("kafka-events-retry-handlers"));
        }
        assertEquals("1", headers(first).get("kafka-events-retry-attempts"));
        assertEquals("2", headers(second).get("kafka-events-retry-attempts"));
        // the backoff follows the handler's policy (500 ms, then 1 s), measured from record timestamps
        assertDue(first, 500);
        assertDue(second, 1000);
        long secondWait = Seen.HANDLED_AT.get("p-transient").toEpochMilli() - second.timestamp();
        assertTrue(secondWait >= 950, "third attempt " + secondWait + " ms after the second retry record");
        assertTrue(deadLetters("p-transient").isEmpty());
        // the timestamp and lag describe the original record too, not the retry record it came in
        assertEquals(original.timestamp(), Seen.TIMESTAMP.get("p-transient"));
        assertEquals(Long.toString(original.timestamp()), headers(second).get("kafka-events-retry-original-timestamp"));
        assertTrue(Seen.LAG.get("p-transient") >= Seen.HANDLED_AT.get("p-transient").toEpochMilli()
                - original.timestamp() - 50, "lag " + Seen.LAG.get("p-transient") + " ms");
    }

    @Test
    void exhaustedRetriesEndInTheDeadLetterTopicWithTheOriginalCoordinates() {
        publisher.publish(new ParcelShipped("p-fail", "always-fails")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("p-fail");
        assertEquals(4, Seen.ATTEMPTS.get("p-fail").get());
        ConsumerRecord<String, byte[]> original = single(TOPIC, "p-fail");
        assertArrayEquals(original.value(), dead.value());
        assertEquals(original.partition(), dead.partition());
        Map<String, String> headers = headers(dead);
        assertEquals("4", headers.get("kafka-events-dlt-attempts"));
        assertEquals(TOPIC, headers.get("kafka-events-dlt-original-topic"));
        assertEquals(Long.toString(original.offset()), headers.get("kafka-events-dlt-original-offset"));
        assertEquals("test.retry-topics-test", headers.get("kafka-events-dlt-group"));
        assertEquals(IllegalStateException.class.getName(), headers.get("kafka-events-dlt-exception-class"));
        assertEquals(headers(original).get("ce_id"), headers.get("ce_id"));
        assertTrue(headers.keySet().stream().noneMatch(h -> h.startsWith("kafka-events-retry-")), headers.toString());
        // the whole timeline: 0.5 s + 1 s + 2 s of backoff between the first failure and the dead-letter write
        long timeline = dead.timestamp()
                - Instant.parse(headers.get("kafka-events-dlt-first-failure-time")).toEpochMilli();
        assertTrue(timeline >= 3400 && timeline < 10000, "retry timeline " + timeline + " ms");
        assertEquals(1, FailureRecords.records(bootstrap, RETRY_3, "p-fail").size());
        assertEquals(1, Seen.AUDITED.get("p-fail").get());
    }

    @Test
    void handlerWithoutSettingsOfItsOwnFollowsItsEventTypeSettings() {
        publisher.publish(new ParcelShipped("p-audit", "audit-fails")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("p-audit");
        // the event type's 3 attempts and 2 s initial backoff, not the global 2 attempts and 5 s
        assertEquals("3", headers(dead).get("kafka-events-dlt-attempts"));
        assertEquals(3, Seen.AUDITED.get("p-audit").get());
        assertDue(single(RETRY_1, "p-audit"), 2000);
        assertEquals(AuditHandler.class.getName() + "#audit",
                headers(single(RETRY_2, "p-audit")).get("kafka-events-retry-handlers"));
        // the other handler succeeded at once and was not called again
        assertEquals(1, Seen.ATTEMPTS.get("p-audit").get());
    }

    @Test
    void nonRetryableFailureSkipsTheRetryTopics() {
        publisher.publish(new ParcelShipped("p-invalid", "invalid")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("p-invalid");
        assertEquals("1", headers(dead).get("kafka-events-dlt-attempts"));
        assertTrue(RawRecords.readAll(bootstrap, RETRY_1).stream().noneMatch(r -> "p-invalid".equals(r.key())));
    }

    @Test
    void sourcePartitionMovesOnWhileARecordWaitsInARetryTopic() {
        // two keys of the same partition: in-process retries would hold the second record up for the whole backoff
        String failing = "p-same";
        String next = null;
        for (int i = 0; next == null; i++) {
            if (FailureRecords.partitionOf("p-next-" + i, 4) == FailureRecords.partitionOf(failing, 4)) {
                next = "p-next-" + i;
            }
        }
        publisher.publish(new ParcelShipped(failing, "fails-twice")).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.ATTEMPTS.containsKey(failing));
        publisher.publish(new ParcelShipped(next, "ok")).await().atMost(Duration.ofSeconds(30));
        String nextKey = next;
        await(() -> Seen.HANDLED_AT.containsKey(nextKey));
        assertEquals(single(TOPIC, failing).partition(), single(TOPIC, next).partition());
        await(() -> Seen.HANDLED_AT.containsKey(failing));
        assertTrue(Seen.HANDLED_AT.get(next).isBefore(Seen.HANDLED_AT.get(failing)));
        assertTrue(Seen.HANDLED_AT.get(next).toEpochMilli() < single(RETRY_1, failing).timestamp() + 500,
                "the next record of the partition was handled before the first retry was due");
    }

    @Test
    void retryRecordWithoutRetryHeadersIsDeadLetteredWithItsReason() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(RETRY_1, 1, "p-forged", bytes("{\"parcelId\":\"p-forged\"}"))).get();
        }
        Map<String, String> headers = headers(awaitDeadLetter("p-forged"));
        assertEquals("retry record with invalid retry headers: header kafka-events-retry-original-topic is missing",
                headers.get("kafka-events-dlt-reason"));
        assertEquals(RETRY_1, headers.get("kafka-events-dlt-original-topic"));
        assertFalse(Seen.ATTEMPTS.containsKey("p-forged"));
    }

    private static void assertDue(ConsumerRecord<String, byte[]> retry, long backoffMillis) {
        long due = Long.parseLong(headers(retry).get("kafka-events-retry-due"));
        long delay = due - retry.timestamp();
        assertTrue(delay >= backoffMillis - 50 && delay <= backoffMillis + 500,
                "due " + delay + " ms after the retry record of attempt " + headers(retry).get("kafka-events-retry-attempts"));
    }

    private ConsumerRecord<String, byte[]> single(String topic, String key) {
        return FailureRecords.awaitSingle(bootstrap, topic, key);
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        return FailureRecords.awaitSingle(bootstrap, DLT, key);
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(String key) {
        return FailureRecords.records(bootstrap, DLT, key);
    }
}
