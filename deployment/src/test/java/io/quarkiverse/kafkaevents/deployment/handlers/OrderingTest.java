package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Several consumers in one group share the partitions; every event is handled once, and events with the same key
 * in the order they were published.
 */
public class OrderingTest {

    @EventTopic(value = "ledger-entries", domain = "ordering")
    public record EntryPosted(@PartitionKey String account, int sequence) {
    }

    public static class Seen {
        static final Map<String, List<Integer>> BY_KEY = new ConcurrentHashMap<>();
        static final Set<Integer> PARTITIONS = ConcurrentHashMap.newKeySet();
    }

    public static class LedgerHandler {
        @EventHandler
        void on(EntryPosted entry, EventContext context) {
            Seen.BY_KEY.computeIfAbsent(entry.account(), k -> new CopyOnWriteArrayList<>()).add(entry.sequence());
            Seen.PARTITIONS.add(context.partition());
        }
    }

    static final int KEYS = 12;
    static final int PER_KEY = 400;

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(EntryPosted.class, Seen.class, LedgerHandler.class))
            .overrideConfigKey("quarkus.application.name", "ordering-test")
            .overrideConfigKey("quarkus.kafka-events.concurrency", "2")
            .overrideConfigKey("quarkus.kafka-events.events.\"EntryPosted\".partitions", "4");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void sameKeyInOrderEveryEventOnceAcrossConsumers() throws Exception {
        List<EntryPosted> batch = new ArrayList<>();
        for (int sequence = 0; sequence < PER_KEY; sequence++) {
            for (int key = 0; key < KEYS; key++) {
                batch.add(new EntryPosted("account-" + key, sequence));
            }
            if (batch.size() >= 600) {
                publisher.publishAll(batch).await().atMost(Duration.ofSeconds(60));
                batch = new ArrayList<>();
            }
        }
        publisher.publishAll(batch).await().atMost(Duration.ofSeconds(60));

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (total() < KEYS * PER_KEY && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // would reveal duplicates arriving late
        assertEquals(KEYS * PER_KEY, total(), "events handled");
        for (int key = 0; key < KEYS; key++) {
            List<Integer> sequences = Seen.BY_KEY.get("account-" + key);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < PER_KEY; i++) {
                expected.add(i);
            }
            assertEquals(expected, sequences, "order of account-" + key);
        }
        assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(Seen.PARTITIONS));

        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("test.ordering-test")).all().get()
                    .get("test.ordering-test");
            assertEquals(2, group.members().size(), "consumers in the group: " + group.members());
            assertTrue(group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty()),
                    "every consumer got partitions: " + group.members());
        }
    }

    private static int total() {
        return Seen.BY_KEY.values().stream().mapToInt(List::size).sum();
    }
}
