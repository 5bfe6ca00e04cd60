package io.quarkiverse.kafkaevents.deployment.failures;

import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.await;
import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.bytes;
import static io.quarkiverse.kafkaevents.deployment.failures.FailureRecords.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventFailure;
import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Retries with backoff, dead-letter records with their reasons, poison records, a partition in backoff that does not
 * hold up the others, an application's failure handler deciding against the configured lists, and an application's
 * {@code EventMonitor} seeing every step.
 */
public class FailureHandlingTest {

    static final String TOPIC = "test.billing.public.payments";
    static final String DLT = TOPIC + ".dead-letter";
    static final String REFUNDS_HANDLER = "quarkus.kafka-events.handlers.\"" + RefundHandler.class.getName() + "#on\".";
    /** Added to a wait for the time from a failed attempt to the next call (timer, partition resumed, dispatch). */
    static final long RETRY_OVERHEAD_MARGIN_MS = 300;

    @EventTopic(value = "payments", domain = "billing")
    public record PaymentTaken(@PartitionKey String paymentId, String behaviour) {
    }

    public static class Seen {
        static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
        static final Map<String, Instant> HANDLED_AT = new ConcurrentHashMap<>();
        static final Map<String, Integer> CONTEXT_ATTEMPT = new ConcurrentHashMap<>();
    }

    public static class PaymentHandler {
        @EventHandler
        void on(PaymentTaken payment, EventContext context) {
            int attempt = Seen.ATTEMPTS.computeIfAbsent(payment.paymentId(), k -> new AtomicInteger()).incrementAndGet();
            switch (payment.behaviour()) {
                case "always-fails" -> throw new IllegalStateException("gateway down for " + payment.paymentId());
                case "invalid" -> throw new IllegalArgumentException("invalid card");
                case "skip-me" -> throw new UnsupportedOperationException("legacy payment");
                case "force-retry" -> throw new IllegalArgumentException("force-retry: card reader busy");
                case "dead-letter-now" -> throw new IllegalStateException("dead-letter-now: fraud suspected");
                case "not-retryable" -> throw new ArithmeticException("amount overflow");
                case "fails-twice" -> {
                    if (attempt < 3) {
                        throw new IllegalStateException("transient");
                    }
                }
                default -> {
                }
            }
            Seen.CONTEXT_ATTEMPT.put(payment.paymentId(), context.attempt());
            Seen.HANDLED_AT.put(payment.paymentId(), Instant.now());
        }
    }

    /** Fails every attempt: its waits are capped by the global {@code max-backoff}. */
    @EventTopic(value = "quotes", domain = "billing")
    public record QuoteRequested(@PartitionKey String quoteId) {
    }

    /** Fails every attempt: its waits are capped by its handler's {@code max-backoff}. */
    @EventTopic(value = "refunds", domain = "billing")
    public record RefundIssued(@PartitionKey String refundId) {
    }

    /** When each attempt of each record started (epoch ms), in order. */
    public static class AttemptTimes {
        static final Map<String, List<Long>> OF_KEY = new ConcurrentHashMap<>();

        static void record(String key) {
            OF_KEY.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(System.currentTimeMillis());
        }
    }

    public static class QuoteHandler {
        @EventHandler
        void on(QuoteRequested quote) {
            AttemptTimes.record(quote.quoteId());
            throw new IllegalStateException("pricing service down");
        }
    }

    public static class RefundHandler {
        @EventHandler
        void on(RefundIssued refund) {
            AttemptTimes.record(refund.refundId());
            throw new IllegalStateException("bank unreachable");
        }
    }

    @ApplicationScoped
    public static class SkipLegacy implements EventFailureHandler {
        @Override
        public Decision decide(EventFailure failure) {
            if (failure.cause() instanceof UnsupportedOperationException) {
                return Decision.SKIP;
            }
            String message = String.valueOf(failure.cause().getMessage());
            // an application's decision wins over the configured lists, both ways
            if (message.startsWith("force-retry")) {
                return Decision.RETRY;
            }
            return message.startsWith("dead-letter-now") ? Decision.DEAD_LETTER : Decision.DEFAULT;
        }
    }

    /**
     * A monitor that breaks with an Error (a class its code needs is missing) at every step: the records go on as if
     * it were not there, and the other monitor sees every step.
     */
    @ApplicationScoped
    public static class BrokenMonitor implements EventMonitor {
        @Override
        public void received(EventObservation o) {
            throw new NoClassDefFoundError("com/example/MissingMetricsLibrary");
        }

        @Override
        public void failed(EventObservation o) {
            throw new NoClassDefFoundError("com/example/MissingMetricsLibrary");
        }
    }

    /** An application's own monitor: told of every step of a record's life. */
    @ApplicationScoped
    public static class Steps implements EventMonitor {
        static final Map<String, List<String>> OF_PARTITION_OFFSET = new ConcurrentHashMap<>();
        static final List<String> PUBLISHED = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void published(EventObservation o) {
            PUBLISHED.add(o.eventType() + "@" + o.topic() + (o.failure() == null ? "" : " failed"));
        }

        @Override
        public void received(EventObservation o) {
            add("received", o);
        }

        @Override
        public void failed(EventObservation o) {
            add("failed#" + o.attempt() + " " + o.failure().getClass().getSimpleName(), o);
        }

        @Override
        public void retried(EventObservation o) {
            add("retried#" + o.attempt(), o);
        }

        @Override
        public void deadLettered(EventObservation o) {
            add("dead-lettered", o);
        }

        private static void add(String step, EventObservation o) {
            OF_PARTITION_OFFSET.computeIfAbsent(o.topic() + "-" + o.partition() + "@" + o.offset(),
                    k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(step + " " + o.eventType() + " " + o.group());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PaymentTaken.class, Seen.class, PaymentHandler.class,
                    SkipLegacy.class, Steps.class, BrokenMonitor.class, RawRecords.class, FailureRecords.class,
                    QuoteRequested.class,
                    RefundIssued.class, AttemptTimes.class, QuoteHandler.class, RefundHandler.class))
            .overrideConfigKey("quarkus.application.name", "failure-test")
            // above the 600 ms the payments wait at most: caps only the quotes' waits (100 ms, then 3 s uncapped)
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-backoff", "1s")
            .overrideConfigKey("quarkus.kafka-events.events.\"QuoteRequested\".initial-backoff", "100ms")
            .overrideConfigKey("quarkus.kafka-events.events.\"QuoteRequested\".multiplier", "30")
            // refunds: 50 ms, then 1 s, 20 s, 400 s uncapped; the handler's 200 ms cap wins over its type's 10 s
            .overrideConfigKey("quarkus.kafka-events.events.\"RefundIssued\".max-backoff", "10s")
            .overrideConfigKey(REFUNDS_HANDLER + "max-attempts", "5")
            .overrideConfigKey(REFUNDS_HANDLER + "initial-backoff", "50ms")
            .overrideConfigKey(REFUNDS_HANDLER + "multiplier", "20")
            .overrideConfigKey(REFUNDS_HANDLER + "max-backoff", "200ms")
            .overrideConfigKey(REFUNDS_HANDLER + "jitter", "0.5")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "300ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.multiplier", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0")
            .overrideConfigKey("quarkus.kafka-events.failure.non-retryable", "java.lang.IllegalArgumentException")
            // only these are retried: an ArithmeticException goes straight to the dead-letter topic
            .overrideConfigKey("quarkus.kafka-events.failure.retryable",
                    "java.lang.IllegalStateException,java.lang.IllegalArgumentException");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void failingHandlerIsRetriedWithBackoffThenDeadLettered() {
        publisher.publish(new PaymentTaken("p-fail", "always-fails")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("p-fail");
        assertEquals(3, Seen.ATTEMPTS.get("p-fail").get());
        Map<String, String> headers = headers(dead);
        assertEquals("3", headers.get("kafka-events-dlt-attempts"));
        assertEquals(IllegalStateException.class.getName(), headers.get("kafka-events-dlt-exception-class"));
        assertEquals("gateway down for p-fail", headers.get("kafka-events-dlt-exception-message"));
        assertTrue(headers.get("kafka-events-dlt-reason").contains("PaymentHandler#on"), headers.toString());
        assertEquals(TOPIC, headers.get("kafka-events-dlt-original-topic"));
        assertEquals("test.failure-test", headers.get("kafka-events-dlt-group"));
        // original record: same key, same bytes, same partition, original headers kept
        ConsumerRecord<String, byte[]> original = RawRecords.readAll(bootstrap, TOPIC).stream()
                .filter(r -> "p-fail".equals(r.key())).findFirst().orElseThrow();
        assertArrayEquals(original.value(), dead.value());
        assertEquals(original.partition(), dead.partition());
        assertEquals(Integer.toString(original.partition()), headers.get("kafka-events-dlt-original-partition"));
        assertEquals(Long.toString(original.offset()), headers.get("kafka-events-dlt-original-offset"));
        assertEquals("PaymentTaken", headers.get("ce_type"));
        // the application's EventMonitor saw each step of that record, in order
        assertTrue(Steps.PUBLISHED.contains("PaymentTaken@" + TOPIC), Steps.PUBLISHED.toString());
        String steps = TOPIC + "-" + original.partition() + "@" + original.offset();
        await(() -> Steps.OF_PARTITION_OFFSET.getOrDefault(steps, List.of()).size() == 7);
        String group = " PaymentTaken test.failure-test";
        assertEquals(List.of("received" + group, "failed#1 IllegalStateException" + group, "retried#1" + group,
                "failed#2 IllegalStateException" + group, "retried#2" + group, "failed#3 IllegalStateException" + group,
                "dead-lettered" + group), Steps.OF_PARTITION_OFFSET.get(steps));
        // the timeline follows the policy: 300 ms, then 600 ms between attempts, from the first failure to the
        // dead-letter write (record timestamps, not sleeps)
        long timeline = dead.timestamp() - Instant.parse(headers.get("kafka-events-dlt-first-failure-time")).toEpochMilli();
        assertTrue(timeline >= 900 && timeline < 3000, "retry timeline " + timeline + " ms");
    }

    @Test
    void maxBackoffCapsTheWaitBetweenAttempts() {
        publisher.publish(new QuoteRequested("q-capped")).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new RefundIssued("r-capped")).await().atMost(Duration.ofSeconds(30));
        await(() -> AttemptTimes.OF_KEY.getOrDefault("q-capped", List.of()).size() == 3
                && AttemptTimes.OF_KEY.getOrDefault("r-capped", List.of()).size() == 5);
        // global max-backoff (1 s): 100 ms, then 1 s instead of 3 s
        List<Long> quotes = gaps(AttemptTimes.OF_KEY.get("q-capped"));
        assertTrue(quotes.get(0) >= 90 && quotes.get(0) <= 100 + RETRY_OVERHEAD_MARGIN_MS, "quote waits " + quotes);
        assertTrue(quotes.get(1) >= 990 && quotes.get(1) <= 1000 + RETRY_OVERHEAD_MARGIN_MS, "quote waits " + quotes);
        // the handler's max-backoff (200 ms), jitter (50%) included: never the 1 s, 20 s, 400 s of the multiplier
        List<Long> refunds = gaps(AttemptTimes.OF_KEY.get("r-capped"));
        for (long gap : refunds) {
            assertTrue(gap <= 200 + RETRY_OVERHEAD_MARGIN_MS, "refund waits " + refunds);
        }
        FailureRecords.sleep(600);
        assertEquals(5, AttemptTimes.OF_KEY.get("r-capped").size(), "the handler's max-attempts (5)");
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }

    @Test
    void nonRetryableExceptionGoesStraightToTheDeadLetterTopic() {
        publisher.publish(new PaymentTaken("p-invalid", "invalid")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("p-invalid");
        assertEquals(1, Seen.ATTEMPTS.get("p-invalid").get());
        assertEquals("1", headers(dead).get("kafka-events-dlt-attempts"));
    }

    @Test
    void transientFailureSucceedsOnTheThirdAttempt() {
        publisher.publish(new PaymentTaken("p-transient", "fails-twice")).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.HANDLED_AT.containsKey("p-transient"));
        assertEquals(3, Seen.CONTEXT_ATTEMPT.get("p-transient"));
        assertTrue(deadLetters("p-transient").isEmpty());
    }

    @Test
    void failureHandlerCanSkip() {
        publisher.publish(new PaymentTaken("p-skip", "skip-me")).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.ATTEMPTS.containsKey("p-skip"));
        FailureRecords.sleep(1500); // longer than the first backoff: a retry would have happened by now
        assertEquals(1, Seen.ATTEMPTS.get("p-skip").get());
        assertTrue(deadLetters("p-skip").isEmpty());
    }

    @Test
    void failureHandlerDecisionsWinOverTheConfiguredLists() {
        // RETRY for an exception configured as non-retryable: every attempt, then the dead-letter topic
        publisher.publish(new PaymentTaken("p-force-retry", "force-retry")).await().atMost(Duration.ofSeconds(30));
        // DEAD_LETTER for a retryable one: at once
        publisher.publish(new PaymentTaken("p-dead-now", "dead-letter-now")).await().atMost(Duration.ofSeconds(30));
        assertEquals("3", headers(awaitDeadLetter("p-force-retry")).get("kafka-events-dlt-attempts"));
        assertEquals(3, Seen.ATTEMPTS.get("p-force-retry").get());
        Map<String, String> now = headers(awaitDeadLetter("p-dead-now"));
        assertEquals("1", now.get("kafka-events-dlt-attempts"));
        assertEquals("dead-letter-now: fraud suspected", now.get("kafka-events-dlt-exception-message"));
        assertEquals(1, Seen.ATTEMPTS.get("p-dead-now").get());
    }

    @Test
    void anExceptionOutsideTheRetryableListIsNotRetried() {
        publisher.publish(new PaymentTaken("p-overflow", "not-retryable")).await().atMost(Duration.ofSeconds(30));
        Map<String, String> dead = headers(awaitDeadLetter("p-overflow"));
        assertEquals("1", dead.get("kafka-events-dlt-attempts"));
        assertEquals(ArithmeticException.class.getName(), dead.get("kafka-events-dlt-exception-class"));
        assertEquals(1, Seen.ATTEMPTS.get("p-overflow").get());
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheirReasonAndTheNextRecordIsHandled() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "poison-json", bytes("{not json"))).get();
            ProducerRecord<String, byte[]> noId = new ProducerRecord<>(TOPIC, "poison-ce", bytes("{}"));
            noId.headers().add("ce_specversion", bytes("1.0")).add("ce_type", bytes("PaymentTaken"))
                    .add("ce_source", bytes("/x"));
            producer.send(noId).get();
            ProducerRecord<String, byte[]> shape = new ProducerRecord<>(TOPIC, "poison-shape",
                    bytes("{\"paymentId\":{\"nested\":true}}"));
            producer.send(shape).get();
        }
        publisher.publish(new PaymentTaken("p-after-poison", "ok")).await().atMost(Duration.ofSeconds(30));
        await(() -> Seen.HANDLED_AT.containsKey("p-after-poison"));
        assertTrue(headers(awaitDeadLetter("poison-json")).get("kafka-events-dlt-reason")
                .startsWith("payload does not match event type"));
        assertTrue(headers(awaitDeadLetter("poison-ce")).get("kafka-events-dlt-reason").startsWith("undecodable record"));
        assertTrue(headers(awaitDeadLetter("poison-shape")).get("kafka-events-dlt-reason")
                .startsWith("payload does not match event type"));
        assertEquals("0", headers(awaitDeadLetter("poison-ce")).get("kafka-events-dlt-attempts"));
    }

    @Test
    void partitionInBackoffDoesNotHoldUpOtherPartitions() {
        // find two keys on different partitions
        String slow = "slow-0";
        String fast = null;
        for (int i = 0; fast == null; i++) {
            if (FailureRecords.partitionOf("fast-" + i, 3) != FailureRecords.partitionOf(slow, 3)) {
                fast = "fast-" + i;
            }
        }
        Instant start = Instant.now();
        publisher.publish(new PaymentTaken(slow, "always-fails")).await().atMost(Duration.ofSeconds(30));
        publisher.publish(new PaymentTaken(fast, "ok")).await().atMost(Duration.ofSeconds(30));
        String fastKey = fast;
        await(() -> Seen.HANDLED_AT.containsKey(fastKey));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(slow);
        assertTrue(Seen.HANDLED_AT.get(fast).toEpochMilli() < dead.timestamp() - 500,
                "the other partition's record was handled while the failing one was waiting to retry");
        assertTrue(Duration.between(start, Seen.HANDLED_AT.get(fast)).toMillis() < 5000);
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        return FailureRecords.awaitSingle(bootstrap, DLT, key);
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(String key) {
        return FailureRecords.records(bootstrap, DLT, key);
    }
}
