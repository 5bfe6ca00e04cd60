package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Dead-lettered events are replayed to their topic, selected by time and count, with their CloudEvents id, marked as
 * replays, and handled again only by the consumer group that dead-lettered them: another group of the same topic,
 * which handled them when they first came, skips the replay.
 */
public class ReplayTest {

    static final String TOPIC = "test.replay.public.invoices";

    @EventTopic(value = "invoices", domain = "replay")
    public record InvoiceSent(@PartitionKey String id) {
    }

    public static class Handler {
        static volatile boolean broken = true;
        static final Map<String, List<String>> IDS = new ConcurrentHashMap<>();

        static final List<Boolean> REPLAYED = new CopyOnWriteArrayList<>();

        @EventHandler
        void on(InvoiceSent invoice, EventContext context) {
            IDS.computeIfAbsent(invoice.id(), k -> new CopyOnWriteArrayList<>()).add(context.id());
            REPLAYED.add(context.replayed());
            if (broken) {
                throw new IllegalStateException("mail server down");
            }
        }
    }

    /** Another service's handler of the same topic, in a group of its own: it never fails. */
    public static class Archive {
        static final Map<String, Integer> COUNTS = new ConcurrentHashMap<>();

        @EventHandler(group = "replay-archive")
        void on(InvoiceSent invoice) {
            COUNTS.merge(invoice.id(), 1, Integer::sum);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(InvoiceSent.class, Handler.class, Archive.class, RawRecords.class,
                    FailureRecords.class))
            .overrideConfigKey("quarkus.application.name", "replay-test")
            .overrideConfigKey("quarkus.kafka-events.group-id", "replay-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "none")
            // dead-letter topics named with a suffix of the application's: written to, and replayed from
            .overrideConfigKey("quarkus.kafka-events.failure.dead-letter.suffix", ".parked");

    @Inject
    EventPublisher publisher;

    @Inject
    DeadLetterReplayer replayer;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void deadLetteredEventsAreReplayedWithTheirIds() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        publisher.publishAll(List.of(new InvoiceSent("i-1"), new InvoiceSent("i-2"), new InvoiceSent("i-3")))
                .await().atMost(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (RawRecords.readAll(bootstrap, TOPIC + ".parked").size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(3, RawRecords.readAll(bootstrap, TOPIC + ".parked").size());
        while (Archive.COUNTS.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(Map.of("i-1", 1, "i-2", 1, "i-3", 1), Archive.COUNTS);
        assertEquals(List.of(false, false, false), Handler.REPLAYED);

        Handler.broken = false;
        // outside the time range: nothing
        assertEquals(0, replayer.replay(TOPIC, Instant.now().plusSeconds(60), Instant.now().plusSeconds(120), 10)
                .await().atMost(Duration.ofSeconds(60)));
        // the archive group dead-lettered nothing: nothing of its own to replay
        assertEquals(0, replayer.replay(TOPIC, "replay-archive", before, Instant.now(), 10)
                .await().atMost(Duration.ofSeconds(60)));
        // at most two of the three, for the group that failed them (replay-test's)
        assertEquals(2, replayer.replay(TOPIC, before, Instant.now(), 2).await().atMost(Duration.ofSeconds(60)));
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (handledTwice() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        assertEquals(2, handledTwice(), "events handled again after the replay: " + Handler.IDS);
        for (List<String> ids : Handler.IDS.values()) {
            if (ids.size() == 2) {
                assertEquals(ids.get(0), ids.get(1), "the replayed event keeps its CloudEvents id");
            }
        }
        assertTrue(Handler.IDS.values().stream().allMatch(ids -> ids.size() <= 2));
        assertEquals(List.of(false, false, false, true, true), Handler.REPLAYED, "the replays are marked");
        assertEquals(Map.of("i-1", 1, "i-2", 1, "i-3", 1), Archive.COUNTS, "the archive group skips the replays");
        // the replayed records on the topic: marked, for the failing group, naming the dead-letter record
        List<ConsumerRecord<String, byte[]>> replays = RawRecords.readAll(bootstrap, TOPIC).stream()
                .filter(r -> r.headers().lastHeader("kafka-events-replay-time") != null).toList();
        assertEquals(2, replays.size());
        for (ConsumerRecord<String, byte[]> replay : replays) {
            Map<String, String> headers = FailureRecords.headers(replay);
            assertEquals("replay-test", headers.get("kafka-events-replay-group"), headers.toString());
            assertTrue(headers.get("kafka-events-replay-source").startsWith(TOPIC + ".parked-"), headers.toString());
            assertTrue(headers.keySet().stream().noneMatch(h -> h.startsWith("kafka-events-dlt-")), headers.toString());
        }
    }

    private static long handledTwice() {
        return Handler.IDS.values().stream().filter(ids -> ids.size() == 2).count();
    }
}
