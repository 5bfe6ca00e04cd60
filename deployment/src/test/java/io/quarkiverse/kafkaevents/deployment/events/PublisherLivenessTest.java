package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * A publisher producer that stops working is visible and bounds every publication: with the producer's network
 * thread frozen, a publish fails once {@code delivery.timeout.ms} (3 s here) plus the 2 s margin have passed, with a
 * message saying so, and liveness is DOWN naming the channel and client id, UP again once the thread runs again; with
 * the thread dead (as after the {@code StackOverflowError} seen when a topic's {@code max.message.bytes} is below
 * {@code batch.size}), liveness is DOWN naming the thread, and publishing fails at once instead of never completing.
 * The thread is frozen and killed with {@link Thread#suspend()} and {@link Thread#stop()}, which Java 17 still
 * honours.
 */
@SuppressWarnings({ "deprecation", "removal" })
public class PublisherLivenessTest {

    static final String CLIENT_ID = "kafka-producer-kafka-events-publisher";
    static final String NETWORK_THREAD = "kafka-producer-network-thread | " + CLIENT_ID;

    @EventTopic(value = "pings", pluralize = false)
    public record Ping(@PartitionKey String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Ping.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "liveness-test")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.delivery.timeout.ms", "3000")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.request.timeout.ms", "2000")
            .overrideConfigKey("quarkus.http.test-port", "0");

    @Inject
    EventPublisher publisher;

    @Test
    void aFrozenThenDeadNetworkThreadBoundsPublishingAndTakesLivenessDown() throws Exception {
        publisher.publish(new Ping("p-1")).await().atMost(Duration.ofSeconds(10));
        Thread network = watchedNetworkThread();
        assertTrue(HealthProbe.get("live").up());

        network.suspend();
        long start = System.nanoTime();
        Uni<Void> stuck;
        try {
            stuck = publisher.publish(new Ping("p-stuck"));
            PublishException unanswered = assertThrows(PublishException.class,
                    () -> stuck.await().atMost(Duration.ofSeconds(15)));
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(elapsed >= 3000 && elapsed < 10_000, "failed after " + elapsed + " ms");
            assertTrue(unanswered.getMessage().contains("not answered by the Kafka producer within delivery.timeout.ms"
                    + " (3000 ms) plus 2000 ms"), unanswered.getMessage());
            HealthProbe.Answer live = HealthProbe.get("live");
            assertTrue(!live.up() && live.body().contains("\"kafka-events-publisher\"")
                    && live.body().contains("publisher.kafka-events-publisher")
                    && live.body().contains("client.id " + CLIENT_ID) && live.body().contains("not answered"),
                    live.body());
        } finally {
            network.resume();
        }
        // the producer answers the late send (its own delivery timeout): liveness is UP again
        HealthProbe.await("live", true);
        publisher.publish(new Ping("p-2")).await().atMost(Duration.ofSeconds(10));

        network.stop();
        network.interrupt(); // an idle network thread waits in its selector: this wakes it up to take the stop
        network.join(5000);
        assertFalse(network.isAlive(), "the network thread survived its stop");
        HealthProbe.Answer dead = HealthProbe.await("live", false);
        assertTrue(dead.body().contains(NETWORK_THREAD) && dead.body().contains("died"), dead.body());
        long refusedAt = System.nanoTime();
        PublishException refused = assertThrows(PublishException.class,
                () -> publisher.publish(new Ping("p-dead")).await().atMost(Duration.ofSeconds(10)));
        assertTrue(Duration.ofNanos(System.nanoTime() - refusedAt).toMillis() < 1000, "not at once");
        assertTrue(refused.getMessage().contains(NETWORK_THREAD) && refused.getMessage().contains("died"),
                refused.getMessage());
    }

    /**
     * The network thread of this application's producer, once the extension's watch has found it (it installs its
     * uncaught-exception handler): threads of the same name may be left from the applications of earlier tests, so the
     * newest watched one.
     */
    private static Thread watchedNetworkThread() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread found = null;
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals(NETWORK_THREAD) && thread.isAlive()
                        && (found == null || thread.getId() > found.getId())) {
                    found = thread;
                }
            }
            if (found != null && found.getUncaughtExceptionHandler().getClass().getName().endsWith("SendWatch$DeathWatch")) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no watched thread named " + NETWORK_THREAD);
    }
}
