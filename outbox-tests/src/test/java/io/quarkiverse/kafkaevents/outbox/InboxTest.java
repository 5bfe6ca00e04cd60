package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.Inbox;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The database inbox on a real PostgreSQL and the dev broker: an event delivered twice (the identical record, same
 * {@code ce_id}) is handled once, its duplicate skipped and its offset committed; the claim, the handler's row and the
 * outbox row of the event it publishes commit together, or (the handler failed) none of them, and the retry then
 * commits them once; a configured key header identifies copies whose ids differ; entries older than the retention are
 * deleted in batches.
 */
public class InboxTest {

    static final String PAYMENTS = "test.inbox.public.payments";
    static final String RECEIPTS = "test.inbox.public.receipts";
    static final String INBOX = "test_inbox";

    @EventTopic(value = "payments", domain = "inbox")
    public record PaymentTaken(@PartitionKey String id, boolean failFirst) {
    }

    @EventTopic(value = "receipts", domain = "inbox")
    public record ReceiptIssued(@PartitionKey String id) {
    }

    /** A singleton (no client proxy), so the test reads the handler's own fields. */
    @Singleton
    public static class Payments {
        @Inject
        AgroalDataSource dataSource;

        @Inject
        EventPublisher publisher;

        /** Attempts per payment id, as the handler saw them. */
        final Map<String, List<Integer>> calls = new ConcurrentHashMap<>();
        volatile String group;

        @EventHandler(inbox = true)
        void on(PaymentTaken payment, EventContext context) throws SQLException {
            group = context.group();
            calls.computeIfAbsent(payment.id(), id -> new CopyOnWriteArrayList<>()).add(context.attempt());
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO inbox_payments (id) VALUES (?)")) {
                insert.setString(1, payment.id());
                insert.executeUpdate();
            }
            publisher.publish(new ReceiptIssued(payment.id())).await().atMost(Duration.ofSeconds(10));
            if (payment.failFirst() && context.attempt() == 1) {
                throw new IllegalStateException("payment " + payment.id() + " fails on its first attempt");
            }
        }
    }

    @EventTopic(value = "refunds", domain = "inbox")
    public record RefundIssued(@PartitionKey String id, Reference reference) {
        public record Reference(String number) {
        }
    }

    /** An inbox handler whose events are claimed by a field of the event ({@code inbox-key-field}). */
    @Singleton
    public static class Refunds {
        final Map<String, List<String>> calls = new ConcurrentHashMap<>();

        @EventHandler(inbox = true)
        void on(RefundIssued refund, EventContext context) {
            calls.computeIfAbsent(refund.reference().number(), n -> new CopyOnWriteArrayList<>()).add(context.id());
        }
    }

    /**
     * A second handler of refunds in the same group (no inbox), failing while {@link #failing} is set: a refund it
     * fails on is dead-lettered although {@link Refunds} handled it, and a replay brings it to both again.
     */
    @Singleton
    public static class RefundAudit {
        volatile boolean failing;
        final Map<String, List<Integer>> calls = new ConcurrentHashMap<>();

        @EventHandler
        void on(RefundIssued refund, EventContext context) {
            calls.computeIfAbsent(refund.reference().number(), n -> new CopyOnWriteArrayList<>()).add(context.attempt());
            if (failing && refund.reference().number().startsWith("RP-")) {
                throw new IllegalStateException("audit log unavailable for " + refund.reference().number());
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PaymentTaken.class, ReceiptIssued.class, Payments.class,
                    RefundIssued.class, RefundIssued.Reference.class, Refunds.class, RefundAudit.class,
                    RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "inbox-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "inbox_test_outbox")
            .overrideConfigKey("quarkus.kafka-events.inbox.table", INBOX)
            .overrideConfigKey("quarkus.kafka-events.inbox.retention", "1h")
            .overrideConfigKey("quarkus.kafka-events.inbox.cleanup-interval", "200ms")
            .overrideConfigKey("quarkus.kafka-events.inbox.cleanup-batch-size", "2")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "100ms")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Payments.class.getName() + "#on\".inbox-key-header",
                    "payment-ref")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Refunds.class.getName() + "#on\".inbox-key-field",
                    "reference.number")
            .overrideConfigKey("quarkus.log.category.\"io.quarkiverse.kafkaevents.runtime.internal.inbox\".level", "DEBUG")
            // no business row without a PRIMARY KEY clash to hide a second call: a duplicate would add a second row
            .setBeforeAllCustomizer(() -> TestDatabase.execute(
                    "CREATE TABLE IF NOT EXISTS inbox_payments (id VARCHAR(64) NOT NULL)")));

    @Inject
    Payments payments;

    @Inject
    Inbox inbox;

    @Inject
    Refunds refunds;

    @Inject
    RefundAudit audit;

    @Inject
    DeadLetterReplayer replayer;

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void theSameEventTwiceIsHandledOnceAndCommitted() throws Exception {
        long duplicatesBefore = inbox.duplicates();
        double scrapedBefore = scrapedDuplicates();
        RecordMetadata first = send("ce-dup-1", "pay-dup", false);
        RecordMetadata second = send("ce-dup-1", "pay-dup", false);
        assertEquals(first.partition(), second.partition());

        TopicPartition partition = new TopicPartition(PAYMENTS, second.partition());
        await(() -> committed(partition) > second.offset(), "the duplicate's offset is committed");
        assertEquals(List.of(1), payments.calls.get("pay-dup"), "the handler is called once");
        assertEquals(List.of("pay-dup"), rows("SELECT id FROM inbox_payments WHERE id = 'pay-dup'"));
        assertEquals(1, inbox.duplicates() - duplicatesBefore, "one duplicate skipped");
        assertEquals(1.0, scrapedDuplicates() - scrapedBefore, "kafka_events_inbox_duplicates_total on /q/metrics");
        assertEquals(List.of(payments.group + " " + Payments.class.getName() + "#on"),
                rows("SELECT consumer_group || ' ' || handler FROM " + INBOX + " WHERE event_id = 'ce-dup-1'"));

        // the event it published through the outbox, committed with the claim: on the topic once
        await(() -> receipts("pay-dup").size() >= 1, "the receipt is published");
        await(() -> rows("SELECT id FROM inbox_test_outbox").isEmpty(), "the outbox row is sent and deleted");
        assertEquals(1, receipts("pay-dup").size());
    }

    @Test
    void aFailedAttemptCommitsNothingAndItsRetryCommitsOnce() throws Exception {
        send("ce-fail-1", "pay-fail", true);

        await(() -> payments.calls.getOrDefault("pay-fail", List.of()).size() >= 2
                && rows("SELECT event_id FROM " + INBOX + " WHERE event_id = 'ce-fail-1'").size() == 1,
                "the retry succeeds");
        await(() -> receipts("pay-fail").size() >= 1, "the retry's receipt is published");
        await(() -> rows("SELECT id FROM inbox_test_outbox").isEmpty(), "the outbox row is sent and deleted");
        TestDatabase.sleep(500); // a receipt of the failed attempt, had it committed, would be there by now
        assertEquals(List.of(1, 2), payments.calls.get("pay-fail"));
        // the first attempt wrote a row and an outbox row too: rolled back with its claim
        assertEquals(List.of("pay-fail"), rows("SELECT id FROM inbox_payments WHERE id = 'pay-fail'"));
        assertEquals(1, receipts("pay-fail").size());
    }

    @Test
    void aKeyHeaderIdentifiesEventsWhoseIdsDiffer() throws Exception {
        // the same payment sent twice by a producer that makes a new id each time, with one payment-ref header
        send("ce-key-1", "pay-key", false, "ref-7");
        RecordMetadata second = send("ce-key-2", "pay-key", false, "ref-7");

        await(() -> committed(new TopicPartition(PAYMENTS, second.partition())) > second.offset(),
                "the second copy's offset is committed");
        assertEquals(List.of(1), payments.calls.get("pay-key"), "the handler is called once");
        assertEquals(List.of("pay-key"), rows("SELECT id FROM inbox_payments WHERE id = 'pay-key'"));
        assertEquals(List.of("ref-7"), rows("SELECT event_id FROM " + INBOX + " WHERE event_id IN ('ref-7',"
                + " 'ce-key-1', 'ce-key-2')"));
    }

    @Test
    void aKeyFieldIdentifiesEventsWhoseIdsDiffer() throws Exception {
        double before = scrapedDuplicates(Refunds.class.getName() + "#on");
        // the same refund published twice with two ids (the publisher makes a new one each time): one reference
        publisher.publish(new RefundIssued("refund-1", new RefundIssued.Reference("R-42"))).await()
                .atMost(Duration.ofSeconds(10));
        publisher.publish(new RefundIssued("refund-1", new RefundIssued.Reference("R-42"))).await()
                .atMost(Duration.ofSeconds(10));
        publisher.publish(new RefundIssued("refund-2", new RefundIssued.Reference("R-43"))).await()
                .atMost(Duration.ofSeconds(10));

        await(() -> refunds.calls.containsKey("R-43") && scrapedDuplicatesOrZero(Refunds.class.getName() + "#on") >= before + 1,
                "the second copy of R-42 is skipped");
        assertEquals(1, refunds.calls.get("R-42").size(), "R-42 handled once: " + refunds.calls);
        assertEquals(List.of("R-42", "R-43"), rows("SELECT event_id FROM " + INBOX + " WHERE event_id LIKE 'R-4%'"
                + " ORDER BY event_id"));
        assertEquals(1.0, scrapedDuplicates(Refunds.class.getName() + "#on") - before,
                "kafka_events_inbox_duplicates_total{handler=Refunds#on}");
    }

    /**
     * A dead-letter replay of a record one handler of the group failed on and the inbox handler had handled: the
     * replay reaches both handlers of the group again; the inbox handler skips it (its claim is there) and the other
     * handles it.
     */
    @Test
    void aReplayedDeadLetterIsSkippedByTheInboxHandlerThatHadHandledIt() throws Exception {
        audit.failing = true;
        double before = scrapedDuplicates(Refunds.class.getName() + "#on");
        publisher.publish(new RefundIssued("refund-replayed", new RefundIssued.Reference("RP-1"))).await()
                .atMost(Duration.ofSeconds(10));
        await(() -> audit.calls.getOrDefault("RP-1", List.of()).size() >= 3 && refunds.calls.containsKey("RP-1"),
                "the audit's three attempts");
        String topic = "test.inbox.public.refunds";
        await(() -> !RawRecords.readAll(bootstrap, topic + ".dead-letter").isEmpty(), "the refund is dead-lettered");
        audit.failing = false;

        int replayed = replayer.replay(topic, java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), 10)
                .await().atMost(Duration.ofSeconds(30));
        assertEquals(1, replayed);
        await(() -> audit.calls.get("RP-1").size() >= 4, "the audit handles the replay");
        await(() -> scrapedDuplicatesOrZero(Refunds.class.getName() + "#on") >= before + 1,
                "the inbox handler skips the replay");
        assertEquals(1, refunds.calls.get("RP-1").size(), "the inbox handler was called once: " + refunds.calls);
        assertEquals(List.of(1, 2, 3, 1), audit.calls.get("RP-1"), "three failed attempts, then the replay");
        assertEquals(List.of("RP-1"), rows("SELECT event_id FROM " + INBOX + " WHERE event_id = 'RP-1'"));
    }

    @Test
    void entriesOlderThanTheRetentionAreDeletedInBatches() {
        for (int i = 0; i < 5; i++) {
            TestDatabase.execute("INSERT INTO " + INBOX + " (consumer_group, handler, event_id, handled_at)"
                    + " VALUES ('g', 'h', 'old-" + i + "', now() - interval '2 hours')");
        }
        TestDatabase.execute("INSERT INTO " + INBOX + " (consumer_group, handler, event_id, handled_at)"
                + " VALUES ('g', 'h', 'recent', now() - interval '50 minutes')");
        // five rows in batches of two: a round goes on past its first batch
        await(() -> rows("SELECT event_id FROM " + INBOX + " WHERE event_id LIKE 'old-%'").isEmpty(),
                "old entries are deleted");
        assertEquals(List.of("recent"), rows("SELECT event_id FROM " + INBOX + " WHERE event_id = 'recent'"));
    }

    private RecordMetadata send(String ceId, String paymentId, boolean failFirst) throws Exception {
        return send(ceId, paymentId, failFirst, null);
    }

    private RecordMetadata send(String ceId, String paymentId, boolean failFirst, String ref) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(PAYMENTS, paymentId,
                    ("{\"id\":\"" + paymentId + "\",\"failFirst\":" + failFirst + "}").getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(ceId))
                    .add("ce_type", bytes("PaymentTaken")).add("ce_source", bytes("/inbox-test-producer"))
                    .add("content-type", bytes("application/json"));
            if (ref != null) {
                record.headers().add("payment-ref", bytes(ref));
            }
            return producer.send(record).get();
        }
    }

    private static double scrapedDuplicatesOrZero(String handler) {
        try {
            return scrapedDuplicates(handler);
        } catch (Exception | AssertionError e) {
            return 0;
        }
    }

    /** {@code kafka_events_inbox_duplicates_total} of the Payments handler, scraped from {@code /q/metrics}. */
    private static double scrapedDuplicates() throws Exception {
        return scrapedDuplicates(Payments.class.getName() + "#on");
    }

    /** {@code kafka_events_inbox_duplicates_total} of one handler, scraped from {@code /q/metrics}. */
    private static double scrapedDuplicates(String handler) throws Exception {
        int port = ConfigProvider.getConfig()
                .getValue("quarkus.http.test-port", Integer.class);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith("kafka_events_inbox_duplicates_total") && line.contains("handler=\"" + handler + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no kafka_events_inbox_duplicates_total of " + handler + " on /q/metrics");
    }

    private long committed(TopicPartition partition) {
        String group = payments.group;
        if (group == null) {
            return -1;
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get().get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ConsumerRecord<String, byte[]>> receipts(String id) {
        return RawRecords.readAll(bootstrap, RECEIPTS).stream().filter(r -> id.equals(r.key())).toList();
    }

    private static List<String> rows(String sql) {
        return TestDatabase.column(sql);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what + "; inbox: "
                        + rows("SELECT consumer_group || ' ' || event_id FROM " + INBOX));
            }
            TestDatabase.sleep(100);
        }
    }
}
