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

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A handler call running when a rebalance takes its partition away gets the revocation timeout to finish: the old
 * member waits for it, commits past its record, and the new owner starts after it instead of handling it again. The
 * records queued behind it are left to the new owner (not handled by the old member).
 */
public class RevocationWaitTest {

    static final String APP = "revocation-wait-test";
    static final String GROUP = "test." + APP;
    static final String TOPIC = "test." + APP + ".public.doors-opened";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @EventTopic(value = "doors-opened", pluralize = false)
    public record DoorOpened(@PartitionKey String door) {
    }

    public static class Doors {
        static final CountDownLatch STARTED = new CountDownLatch(1);
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(DoorOpened opened) throws InterruptedException {
            if (opened.door().equals("door-0")) {
                STARTED.countDown();
                RELEASE.await(60, TimeUnit.SECONDS);
            }
            HANDLED.add(opened.door());
        }
    }

    static final String HANDLER = "quarkus.kafka-events.handlers.\"" + Doors.class.getName() + "#on\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(DoorOpened.class, Doors.class, CommitSupport.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", APP)
            .overrideConfigKey("quarkus.kafka-events.events.\"DoorOpened\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.shutdown.revocation-timeout", "20s")
            // the member learns of the rebalance at its next heartbeat: soon
            .overrideConfigKey(HANDLER + "\"heartbeat.interval.ms\"", "200")
            .overrideConfigKey(HANDLER + "\"auto.commit.interval.ms\"", "600000");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aCallRunningAtTheRevocationFinishesAndIsCommittedBeforeTheNewOwnerStarts() throws Exception {
        List<DoorOpened> doors = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            doors.add(new DoorOpened("door-" + i));
        }
        HealthProbe.await("ready", true); // the first request of the application pays its warm-up
        publisher.publishAll(doors).await().atMost(Duration.ofSeconds(30));
        assertTrue(Doors.STARTED.await(30, TimeUnit.SECONDS), "the call of door-0 started");
        long[] probe = new long[] { -1 };
        HealthProbe.Answer[] readiness = new HealthProbe.Answer[1];
        Thread releaser = new Thread(() -> {
            try {
                // well after the old member entered the rebalance (its heartbeat is every 200 ms): its polling thread
                // waits for the running call; a readiness probe must not wait for it
                Thread.sleep(1500);
                long start = System.nanoTime();
                readiness[0] = HealthProbe.get("ready");
                probe[0] = (System.nanoTime() - start) / 1_000_000;
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Doors.RELEASE.countDown();
        });
        try (CommitSupport commits = new CommitSupport(bootstrap);
                KafkaConsumer<String, byte[]> newOwner = CommitSupport.takeOver(bootstrap, GROUP, TOPIC)) {
            releaser.start();
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < 4 && System.nanoTime() < deadline) {
                newOwner.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.key()));
            }
            for (int i = 0; i < 5; i++) {
                newOwner.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.key()));
            }
            assertTrue(newOwner.assignment().contains(PARTITION), "the new member owns the partition");
            assertEquals(List.of("door-1", "door-2", "door-3", "door-4"), received,
                    "the new owner starts after the call that finished during the revocation");
            assertEquals(1, commits.committed(GROUP, PARTITION), "committed past door-0 on revocation");
            assertEquals(Set.of("door-0"), Doors.HANDLED, "the old member handled no record queued behind it");
            releaser.join(10_000);
            // before, the probe asked the consumer for its assignment and waited up to 1 s for its polling thread
            assertTrue(probe[0] >= 0 && probe[0] < 500, "readiness answered in " + probe[0] + " ms during the wait");
            assertTrue(readiness[0].up(), readiness[0].body());
        } finally {
            Doors.RELEASE.countDown();
            releaser.join(10_000);
        }
    }
}
