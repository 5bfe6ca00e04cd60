package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A non-blocking handler's failure is dead-lettered from the consumer's event loop. When the dead-letter topic is
 * unknown to the broker (deleted, and not created on demand), the producer's {@code send} waits for its metadata for
 * {@code max.block.ms}: that wait must never happen on the event loop, which stays free for everything else it runs,
 * while the record waits unacknowledged, reported in wellness, and lands in the dead-letter topic once it exists.
 */
public class EventLoopWriteTest {

    static final String TOPIC = "test.event-loop-write.public.payments";
    static final String DEAD_LETTERS = TOPIC + ".dead-letter";
    static final String NOTES = "test.event-loop-write.public.notes";

    @EventTopic(value = "payments", domain = "event-loop-write")
    public record PaymentDeclined(@PartitionKey String id) {
    }

    /** Published only (no handler): its records are read back raw. */
    @EventTopic(value = "notes", domain = "event-loop-write")
    public record PaymentNoted(@PartitionKey String id, int seq) {
    }

    public static class Declines {
        /** The event loop context the handler ran on. */
        static final CompletableFuture<Context> CONTEXT = new CompletableFuture<>();

        @EventHandler
        Uni<Void> on(PaymentDeclined payment) {
            CONTEXT.complete(Vertx.currentContext());
            return Uni.createFrom().failure(new IllegalStateException("declined " + payment.id()));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(
                    jar -> jar.addClasses(PaymentDeclined.class, PaymentNoted.class, Declines.class, RawRecords.class,
                            FailureRecords.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "event-loop-write")
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentDeclined\".topic", TOPIC)
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentDeclined\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentNoted\".topic", NOTES)
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentNoted\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "1")
            .overrideConfigKey("quarkus.kafka-events.failure.write-retry-max-backoff", "1s")
            // the broker creates no topic a producer asks for: a deleted topic stays unknown
            .overrideConfigKey("quarkus.kafka-events.devservices.broker-properties.\"auto.create.topics.enable\"",
                    "false")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.max.block.ms", "1500");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Vertx vertx;

    @Test
    void publishesFromAnEventLoopKeepTheirOrder() throws Exception {
        // 300 publishes started one after the other on an event loop, none awaited: they go through the sending
        // thread, and reach the topic in the order they were made
        CompletableFuture<List<Uni<Void>>> started = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(ignored -> {
            assertTrue(Context.isOnEventLoopThread());
            List<Uni<Void>> publications = new java.util.ArrayList<>();
            for (int seq = 0; seq < 300; seq++) {
                publications.add(publisher.publish(new PaymentNoted("n-" + (seq % 3), seq)));
            }
            started.complete(publications);
        });
        for (Uni<Void> publication : started.get(10, TimeUnit.SECONDS)) {
            publication.await().atMost(Duration.ofSeconds(30));
        }
        List<Integer> order = RawRecords.readAll(bootstrap, NOTES).stream()
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .map(json -> Integer.parseInt(json.replaceAll(".*\"seq\"\\s*:\\s*(\\d+).*", "$1")))
                .toList();
        assertEquals(java.util.stream.IntStream.range(0, 300).boxed().toList(), order);
    }

    @Test
    void unknownDeadLetterTopicNeverBlocksTheEventLoop() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.deleteTopics(List.of(DEAD_LETTERS)).all().get(30, TimeUnit.SECONDS);
            FailureRecords.await(() -> !topicExists(admin));

            publisher.publish(new PaymentDeclined("p-1")).await().atMost(Duration.ofSeconds(30));
            Context loop = Declines.CONTEXT.get(30, TimeUnit.SECONDS);
            assertTrue(Context.isOnEventLoopThread() == false && loop.isEventLoopContext(),
                    "the non-blocking handler ran on an event loop");

            // the dead-letter write is refused again and again (each refusal after max.block.ms = 1.5 s): meanwhile
            // the handler's event loop runs other work at once
            long worstMillis = 0;
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) {
                long start = System.nanoTime();
                CompletableFuture<Void> ran = new CompletableFuture<>();
                loop.runOnContext(ignored -> ran.complete(null));
                ran.get(10, TimeUnit.SECONDS);
                worstMillis = Math.max(worstMillis, (System.nanoTime() - start) / 1_000_000);
                FailureRecords.sleep(20);
            }
            // 1.5 s per blocked send on an event loop; 300 ms leaves room for a slow machine, not for a blocked send
            assertTrue(worstMillis < 300, "the event loop was held for " + worstMillis + " ms");

            HealthProbe.Answer well = HealthProbe.await("well", false);
            assertTrue(well.body().contains("failing-writes.") && well.body().contains(DEAD_LETTERS), well.body());
            assertTrue(HealthProbe.get("ready").up(), "a topic every instance shares never takes readiness");

            // the topic comes back: the record lands once, nothing lost
            admin.createTopics(List.of(new NewTopic(DEAD_LETTERS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            FailureRecords.awaitSingle(bootstrap, DEAD_LETTERS, "p-1");
            HealthProbe.await("well", true);
            assertEquals(1, FailureRecords.records(bootstrap, DEAD_LETTERS, "p-1").size());
        }
    }

    private static boolean topicExists(Admin admin) {
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(DEAD_LETTERS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
