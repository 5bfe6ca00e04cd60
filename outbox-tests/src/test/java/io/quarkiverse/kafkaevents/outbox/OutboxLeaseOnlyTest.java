package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * The outbox without its owner lock ({@code outbox.owner-lock=none}, for PgBouncer in transaction mode): the instance
 * holds no session-level advisory lock, publishing still reaches the topic, and a row claimed by an instance that died
 * is sent once its lease has ended, never before (with the lock, such a row is taken at once:
 * {@link OutboxRelayTest#deadOwnersRowIsTakenAtOnce}).
 */
public class OutboxLeaseOnlyTest {

    static final String TOPIC = "test.leaseonly.public.transfers";
    static final String ORPHAN_TOPIC = "test.leaseonly.public.orphans";

    @EventTopic(value = "transfers", domain = "leaseonly")
    public record TransferMade(@PartitionKey String account, int sequence) {
    }

    @EventTopic(value = "orphans", domain = "leaseonly")
    public record Orphan(@PartitionKey String account) {
    }

    @ApplicationScoped
    public static class Transfers {
        @Inject
        EventPublisher publisher;

        @Transactional
        void make(String account, int sequence) {
            publisher.publish(new TransferMade(account, sequence)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TransferMade.class, Orphan.class, Transfers.class,
                    RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "lease-only-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "lease_only_outbox")
            .overrideConfigKey("quarkus.kafka-events.outbox.owner-lock", "none")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "200ms"));

    @Inject
    Transfers transfers;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void noOwnerLockAndEveryEventRelayed() {
        int perAccount = 10;
        for (int i = 0; i < perAccount; i++) {
            for (String account : List.of("acc-1", "acc-2", "acc-3")) {
                transfers.make(account, i);
            }
        }
        TestDatabase.await(() -> RawRecords.readAll(bootstrap, TOPIC).size() >= 3 * perAccount, "lease_only_outbox");
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM lease_only_outbox WHERE topic = '" + TOPIC + "'")
                .isEmpty(), "lease_only_outbox");

        List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, TOPIC);
        assertEquals(3 * perAccount, records.size(), "every transfer once");
        Map<String, List<String>> byAccount = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byAccount.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(
                    new String(record.value(), StandardCharsets.UTF_8).replaceAll(".*\"sequence\":(\\d+).*", "$1"));
        }
        List<String> inOrder = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertEquals(Map.of("acc-1", inOrder, "acc-2", inOrder, "acc-3", inOrder), byAccount,
                "each account's transfers once, in commit order");
        assertEquals(0, TestDatabase.ownerLocks(), "no session-level owner lock with owner-lock=none");
    }

    @Test
    void deadOwnersRowWaitsForItsLease() {
        long start = System.nanoTime();
        // a row an instance claimed (and never sent) before it died: its lease ends 4 s from now
        TestDatabase.execute("INSERT INTO lease_only_outbox (id, topic, record_key, payload, attempts, locked_until,"
                + " locked_by) VALUES ('orphan-1', '" + ORPHAN_TOPIC + "', 'acc-9', '{\"account\":\"acc-9\"}'::bytea, 1,"
                + " now() + interval '4 seconds', 'dead-instance/00000000')");

        // the relay runs every 200 ms: up to 3 s (1 s before the lease ends) the row stays with its dead owner
        while (System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
            assertEquals(List.of("dead-instance/00000000"),
                    TestDatabase.column("SELECT locked_by FROM lease_only_outbox WHERE id = 'orphan-1'"),
                    "taken before its lease ended");
            TestDatabase.sleep(200);
        }
        assertTrue(RawRecords.readAll(bootstrap, ORPHAN_TOPIC).isEmpty(), "sent before its lease ended");

        // once the lease is over, the next relay round sends it
        TestDatabase.await(() -> RawRecords.readAll(bootstrap, ORPHAN_TOPIC).size() == 1, "lease_only_outbox",
                Duration.ofSeconds(10));
        ConsumerRecord<String, byte[]> record = RawRecords.readAll(bootstrap, ORPHAN_TOPIC).get(0);
        assertEquals("acc-9", record.key());
        assertEquals("{\"account\":\"acc-9\"}", new String(record.value(), StandardCharsets.UTF_8));
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM lease_only_outbox WHERE id = 'orphan-1'")
                .isEmpty(), "lease_only_outbox");
    }
}
