package io.quarkiverse.kafkaevents.deployment.commits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The extension's own commits (every 200 ms here): with records of one partition finishing out of order (ordering by
 * key), the committed offset stops at the first record not finished, however many later ones are, and for as long as
 * it runs (no age limit closes the consumer); once it finishes, the offset moves to the end.
 */
public class CommitPastUnfinishedTest {

    static final String TOPIC = "test.commit-unfinished-test.public.parcels-scanned";
    static final String GROUP = "test.commit-unfinished-test";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    static final int OTHERS = 30;

    @EventTopic(value = "parcels-scanned", pluralize = false)
    public record ParcelScanned(@PartitionKey String parcel) {
    }

    public static class Scanner {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(ParcelScanned scanned) throws InterruptedException {
            if (scanned.parcel().equals("stuck")) {
                assertTrue(RELEASE.await(60, TimeUnit.SECONDS));
            }
            HANDLED.add(scanned.parcel());
        }
    }

    static final String HANDLER = "quarkus.kafka-events.handlers.\"" + Scanner.class.getName() + "#on\".";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelScanned.class, Scanner.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "commit-unfinished-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelScanned\".partitions", "1")
            .overrideConfigKey(HANDLER + "key-concurrency", "4")
            .overrideConfigKey(HANDLER + "kafka.\"auto.commit.interval.ms\"", "200");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void theOffsetStopsAtTheFirstUnfinishedRecord() throws Exception {
        List<ParcelScanned> parcels = new ArrayList<>();
        parcels.add(new ParcelScanned("stuck")); // offset 0
        for (int i = 0; i < OTHERS; i++) {
            parcels.add(new ParcelScanned("parcel-" + i)); // offsets 1 to 30, keys in other lanes than "stuck"'s too
        }
        publisher.publishAll(parcels).await().atMost(Duration.ofSeconds(30));
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // records sharing the stuck record's lane wait behind it; the others (about three quarters) are handled
            while (Scanner.HANDLED.size() < OTHERS / 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Scanner.HANDLED.size() >= OTHERS / 2, "handled beside the stuck one: " + Scanner.HANDLED);
            assertEquals(0, commits.awaitCommitted(GROUP, PARTITION, c -> c == 0, Duration.ofSeconds(10)),
                    "the offset of the stuck record is committed (the group's position)");
            Thread.sleep(1_000); // five commit intervals
            assertEquals(0, commits.committed(GROUP, PARTITION), "committed past a record not finished");

            Scanner.RELEASE.countDown();
            assertEquals(OTHERS + 1, commits.awaitCommitted(GROUP, PARTITION, c -> c == OTHERS + 1,
                    Duration.ofSeconds(30)), "committed offset once every record finished");
            assertEquals(OTHERS + 1, Scanner.HANDLED.size());
        }
    }
}
