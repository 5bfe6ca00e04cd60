package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * Committed rows nobody sent right after their commit (here the fast path is off, as after a crash between commit and
 * send) are sent by the relay, each once, every key's events in the order of their transactions, and deleted.
 */
public class OutboxRelayTest {

    static final String TOPIC = "test.relay.public.payments";
    static final String ORPHAN_TOPIC = "test.relay.public.orphans";

    @EventTopic(value = "payments", domain = "relay")
    public record PaymentTaken(@PartitionKey String account, int sequence) {
    }

    @EventTopic(value = "orphans", domain = "relay")
    public record Orphan(@PartitionKey String account) {
    }

    @ApplicationScoped
    public static class Payments {
        @Inject
        EventPublisher publisher;

        @Transactional
        void take(String account, int sequence) {
            publisher.publish(new PaymentTaken(account, sequence)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PaymentTaken.class, Orphan.class, Payments.class,
                    RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "relay-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "relay_outbox")
            .overrideConfigKey("quarkus.kafka-events.outbox.fast-path", "false")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "200ms")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-batch-size", "50"));

    @Inject
    Payments payments;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void relaySendsEveryCommittedRowOnceInKeyOrder() throws Exception {
        int perAccount = 40;
        List<Thread> writers = new ArrayList<>();
        for (String account : List.of("acc-1", "acc-2", "acc-3")) {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < perAccount; i++) {
                    payments.take(account, i);
                }
            });
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join(60_000);
        }
        TestDatabase.await(() -> RawRecords.readAll(bootstrap, TOPIC).size() >= 3 * perAccount, "relay_outbox");
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM relay_outbox").isEmpty(), "relay_outbox");
        TestDatabase.sleep(1000);

        List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, TOPIC);
        assertEquals(3 * perAccount, records.size(), "every committed payment once, no duplicate");
        Map<String, List<Integer>> byAccount = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String json = new String(record.value(), StandardCharsets.UTF_8);
            int sequence = Integer.parseInt(json.replaceAll(".*\"sequence\":(\\d+).*", "$1"));
            byAccount.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence);
        }
        for (Map.Entry<String, List<Integer>> account : byAccount.entrySet()) {
            List<Integer> sequences = account.getValue();
            for (int i = 0; i < sequences.size(); i++) {
                assertEquals(i, sequences.get(i), "order of " + account.getKey() + ": " + sequences);
            }
        }
        assertTrue(byAccount.keySet().containsAll(List.of("acc-1", "acc-2", "acc-3")), byAccount.keySet().toString());
    }

    /**
     * With the owner lock (the default), a row claimed by an instance whose database session ended is sent at once,
     * though its lease has an hour to run; the instance's own lock is seen in {@code pg_locks} (the query
     * {@link OutboxLeaseOnlyTest} finds none with).
     */
    @Test
    void deadOwnersRowIsTakenAtOnce() {
        assertEquals(1, TestDatabase.ownerLocks(), "this instance's owner lock");
        TestDatabase.execute("INSERT INTO relay_outbox (id, topic, record_key, payload, attempts, locked_until,"
                + " locked_by) VALUES ('orphan-1', '" + ORPHAN_TOPIC + "', 'acc-9', '{\"account\":\"acc-9\"}'::bytea, 1,"
                + " now() + interval '1 hour', 'dead-instance/00000000')");
        TestDatabase.await(() -> RawRecords.readAll(bootstrap, ORPHAN_TOPIC).size() == 1, "relay_outbox",
                Duration.ofSeconds(10));
        assertEquals("acc-9", RawRecords.readAll(bootstrap, ORPHAN_TOPIC).get(0).key());
    }
}
