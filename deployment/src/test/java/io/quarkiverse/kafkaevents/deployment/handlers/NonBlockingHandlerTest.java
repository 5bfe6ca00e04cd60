package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.deployment.failures.CapturedLogs;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * {@code Uni} handlers whose work completes at once and later: records of a partition handled in order either way, a
 * failure (thrown, or of the {@code Uni}, at once or later) retried and then dead-lettered, and the event's MDC on the
 * log lines of the handler's delayed callbacks.
 */
public class NonBlockingHandlerTest {

    static final String TOPIC = "test.nonblocking-test.public.pings";
    static final String DLT = TOPIC + ".dead-letter";
    static final String LOGGER = "nonblocking-test.handler";
    static final int PER_KEY = 30;

    @EventTopic(value = "pings", pluralize = false)
    public record Ping(@PartitionKey String source, int sequence, String behaviour) {
    }

    /** Handled by a {@code CompletionStage} handler that fails later, on another thread. */
    @EventTopic(value = "pongs", pluralize = false)
    public record Pong(@PartitionKey String id) {
    }

    public static class Pongs {
        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        @EventHandler
        CompletionStage<Void> on(Pong pong) {
            ATTEMPTS.incrementAndGet();
            return CompletableFuture.runAsync(() -> {
                throw new IllegalStateException("pong " + pong.id() + " failed later");
            });
        }
    }

    public static class Seen {
        static final Map<String, List<Integer>> ORDER = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    }

    public static class Pings {
        private static final Logger LOG = Logger.getLogger(LOGGER);

        @EventHandler
        Uni<Void> on(Ping ping) {
            String id = ping.source() + "/" + ping.sequence();
            int attempt = Seen.ATTEMPTS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            switch (ping.behaviour()) {
                case "throws" -> throw new IllegalStateException("thrown by " + id);
                case "fails-now" -> {
                    return Uni.createFrom().failure(new IllegalStateException("failed at once by " + id));
                }
                case "fails-later-once" -> {
                    Uni<Void> later = Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(20));
                    return attempt == 1 ? later.onItem().failWith(() -> new IllegalStateException("later " + id))
                            : later.invoke(() -> seen(ping));
                }
                case "later" -> {
                    // completes on a timer thread, after the records behind it were polled: they must wait for it
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(1 + ping.sequence() % 7))
                            .invoke(() -> {
                                LOG.infof("late ping %s", id);
                                seen(ping);
                            });
                }
                default -> {
                    seen(ping);
                    return Uni.createFrom().voidItem();
                }
            }
        }

        private static void seen(Ping ping) {
            Seen.ORDER.computeIfAbsent(ping.source(), k -> new CopyOnWriteArrayList<>()).add(ping.sequence());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(
                    jar -> jar.addClasses(Ping.class, Seen.class, Pings.class, Pong.class, Pongs.class, RawRecords.class,
                            CapturedLogs.class))
            .overrideConfigKey("quarkus.application.name", "nonblocking-test")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "50ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.jitter", "0");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void completedAtOnceOrLaterInOrderRetriedAndDeadLettered() throws Exception {
        try (CapturedLogs logs = CapturedLogs.of(LOGGER)) {
            List<Ping> pings = new ArrayList<>();
            for (int sequence = 0; sequence < PER_KEY; sequence++) {
                pings.add(new Ping("now", sequence, "now"));
                pings.add(new Ping("later", sequence, "later"));
                pings.add(new Ping("mixed", sequence, sequence % 2 == 0 ? "now" : "later"));
            }
            pings.add(new Ping("bad", 0, "throws"));
            pings.add(new Ping("bad", 1, "fails-now"));
            pings.add(new Ping("flaky", 0, "fails-later-once"));
            publisher.publishAll(pings).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new Pong("p1")).await().atMost(Duration.ofSeconds(30));

            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < PER_KEY; i++) {
                expected.add(i);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !(size("now") == PER_KEY && size("later") == PER_KEY
                    && size("mixed") == PER_KEY && size("flaky") == 1)) {
                Thread.sleep(50);
            }
            for (String source : List.of("now", "later", "mixed")) {
                assertEquals(expected, Seen.ORDER.get(source), "order of " + source);
            }
            assertEquals(List.of(0), Seen.ORDER.get("flaky"), "failed later once, then handled");
            assertEquals(2, Seen.ATTEMPTS.get("flaky/0").get());

            for (String id : List.of("bad/0", "bad/1")) {
                ConsumerRecord<String, byte[]> dead = awaitDeadLetter(id);
                assertNotNull(dead, "dead letter of " + id);
                assertEquals(3, Seen.ATTEMPTS.get(id).get(), "attempts of " + id);
            }

            // the CompletionStage's failure, not the CompletionException wrapping it, is what failed
            ConsumerRecord<String, byte[]> pong = awaitRecord("test.nonblocking-test.public.pongs.dead-letter", "p1");
            assertNotNull(pong, "dead letter of the failed CompletionStage");
            assertEquals(IllegalStateException.class.getName(),
                    new String(pong.headers().lastHeader("kafka-events-dlt-exception-class").value()));
            assertTrue(new String(pong.headers().lastHeader("kafka-events-dlt-exception-message").value())
                    .contains("pong p1 failed later"));
            assertEquals(3, Pongs.ATTEMPTS.get(), "attempts of the CompletionStage handler");

            CapturedLogs.Line line = logs.await(message -> message.equals("late ping later/7"));
            assertNotNull(line.mdc().get("event.partition"), "MDC on a delayed callback: " + line.mdc());
            assertEquals(TOPIC, line.mdc().get("event.topic"), "MDC on a delayed callback: " + line.mdc());
            assertTrue(line.mdc().containsKey("event.offset"), line.mdc().toString());
            assertEquals("Ping", line.mdc().get("event.type"), line.mdc().toString());
        }
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String id) throws InterruptedException {
        String sequence = id.substring(id.indexOf('/') + 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, DLT)) {
                String payload = new String(record.value());
                if ("bad".equals(record.key()) && payload.contains("\"sequence\":" + sequence)) {
                    return record;
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    private ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, topic)) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    private static int size(String source) {
        List<Integer> order = Seen.ORDER.get(source);
        return order == null ? 0 : order.size();
    }
}
