package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The fast path and the relay never claim side by side: a relay that read a key's rows as free while the fast path
 * took the first of them would send the later ones beside it, out of order. While a relay's claim runs, a row
 * committed is left to the relay (the fast path does not wait for it); under fast writers of few keys, with the relay
 * running all the time, every key's events reach the topic once each, in the order of their transactions.
 */
public class OutboxFastPathOrderTest {

    static final String TOPIC = "test.fastpath.public.transfers";
    static final String TABLE = "fastpath_outbox";
    /** The advisory lock a relay's claim holds (exclusively) while it claims. */
    static final String CLAIM_LOCK = "kafka-events-outbox-claim:" + TABLE;

    @EventTopic(value = "transfers", domain = "fastpath")
    public record TransferBooked(@PartitionKey String account, int sequence) {
    }

    @ApplicationScoped
    public static class Transfers {
        @Inject
        EventPublisher publisher;

        @Transactional
        void book(String account, int sequence) {
            publisher.publish(new TransferBooked(account, sequence)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TransferBooked.class, Transfers.class, RawRecords.class,
                    TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "fastpath-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", TABLE)
            // the relay claims all the time, beside the fast path
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "10ms")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-batch-size", "5"));

    @Inject
    Transfers transfers;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRowCommittedDuringARelayClaimIsLeftToTheRelay() throws Exception {
        String account = "held-1";
        CompletableFuture<Void> booked;
        try (Connection relay = DriverManager.getConnection(TestDatabase.url(), "postgres", "postgres")) {
            relay.setAutoCommit(false);
            try (PreparedStatement lock = relay.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, CLAIM_LOCK);
                lock.execute();
            }
            // a claim is running (held here): the commit returns, its row is not claimed, nothing is sent
            booked = CompletableFuture.runAsync(() -> transfers.book(account, 0));
            booked.get(10, TimeUnit.SECONDS);
            TestDatabase.sleep(1500);
            assertEquals(List.of("PENDING null"), TestDatabase.column("SELECT status || ' ' || COALESCE(locked_by,"
                    + " 'null') FROM " + TABLE + " WHERE record_key = '" + account + "'"),
                    "the row waits, unclaimed, while a relay's claim runs");
            assertTrue(records(account).isEmpty(), "nothing sent beside a running claim: " + records(account));
            relay.commit();
        }
        // the claim is over: the relay sends the row in its next round
        TestDatabase.await(() -> records(account).size() == 1, TABLE, Duration.ofSeconds(20));
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE + " WHERE record_key = '" + account
                + "'").isEmpty(), TABLE);
    }

    @Test
    void fastWritersOfFewKeysBesideABusyRelayKeepEveryKeysOrder() throws Exception {
        int perAccount = 100;
        List<String> accounts = List.of("acc-1", "acc-2", "acc-3", "acc-4");
        List<Thread> writers = new ArrayList<>();
        for (String account : accounts) {
            // one transaction after the other: a key's rows pile up while the first ones are being sent
            Thread writer = new Thread(() -> {
                for (int i = 0; i < perAccount; i++) {
                    transfers.book(account, i);
                }
            });
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join(120_000);
        }
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE).isEmpty(), TABLE,
                Duration.ofSeconds(60));
        TestDatabase.sleep(1000);

        Map<String, List<Integer>> sequences = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, TOPIC)) {
            if (accounts.contains(record.key())) {
                sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence(record));
            }
        }
        for (String account : accounts) {
            List<Integer> sent = sequences.getOrDefault(account, List.of());
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perAccount; i++) {
                expected.add(i);
            }
            assertEquals(expected, sent, "every transfer of " + account + " once, in the order of its transactions");
        }
    }

    private List<ConsumerRecord<String, byte[]>> records(String account) {
        return RawRecords.readAll(bootstrap, TOPIC).stream().filter(r -> account.equals(r.key())).toList();
    }

    private static int sequence(ConsumerRecord<String, byte[]> record) {
        String json = new String(record.value(), StandardCharsets.UTF_8);
        return Integer.parseInt(json.replaceAll(".*\"sequence\":(\\d+).*", "$1"));
    }
}
