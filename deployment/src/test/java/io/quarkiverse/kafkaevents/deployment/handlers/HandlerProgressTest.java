package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * What users see of a handler's progress: a handler call that runs too long turns liveness DOWN naming it (and UP again
 * once it returns); an asynchronous handler's completion callbacks still log with the event's MDC; two handlers of one
 * event that fail are each retried under their own policy and exception.
 */
public class HandlerProgressTest {

    @EventTopic(value = "jobs", domain = "progress")
    public record JobStarted(@PartitionKey String id) {
    }

    @EventTopic(value = "notes", domain = "progress")
    public record NoteTaken(@PartitionKey String id) {
    }

    @EventTopic(value = "charges", domain = "progress")
    public record ChargeMade(@PartitionKey String id) {
    }

    public static class Observed {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final Map<String, String> MDC_IN_CALLBACK = new ConcurrentHashMap<>();
        static final Map<String, List<Integer>> ATTEMPTS = new ConcurrentHashMap<>();

        static void attempt(String handler, EventContext context) {
            ATTEMPTS.computeIfAbsent(handler, h -> new CopyOnWriteArrayList<>()).add(context.attempt());
        }
    }

    public static class Handlers {
        @Inject
        Vertx vertx;

        @EventHandler
        void slow(JobStarted job) throws InterruptedException {
            Observed.RELEASE.await(60, TimeUnit.SECONDS);
        }

        @EventHandler
        Uni<Void> note(NoteTaken note) {
            // completes later, from a Vert.x timer: its callback logs with the event's MDC
            return Uni.createFrom().emitter(emitter -> vertx.setTimer(50, id -> {
                Object type = MDC.get("event.type");
                Observed.MDC_IN_CALLBACK.put(note.id(), type + "/" + MDC.get("event.id"));
                emitter.complete(null);
            }));
        }

        /** Fails with a non-retryable exception: dead-lettered at once, under its own policy. */
        @EventHandler
        void chargeLedger(ChargeMade charge, EventContext context) {
            Observed.attempt("ledger", context);
            throw new IllegalArgumentException("ledger refuses " + charge.id());
        }

        /** Fails with a retryable exception, three attempts of its own. */
        @EventHandler
        void chargeMail(ChargeMade charge, EventContext context) {
            Observed.attempt("mail", context);
            throw new IllegalStateException("mail server down for " + charge.id());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(JobStarted.class, NoteTaken.class, ChargeMade.class,
                    Observed.class, Handlers.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "progress-test")
            .overrideConfigKey("quarkus.kafka-events.health.stalled-after", "2s")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "50ms")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.max-attempts", "5")
            .overrideConfigKey("quarkus.kafka-events.failure.non-retryable", "java.lang.IllegalArgumentException")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Handlers.class.getName()
                    + "#chargeMail\".max-attempts", "3")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Handlers.class.getName()
                    + "#chargeLedger\".max-attempts", "4");

    @Inject
    EventPublisher publisher;

    @Test
    void handlerRunningTooLongTurnsLivenessDown() {
        HealthProbe.await("live", true);
        publisher.publish(new JobStarted("job-1")).await().atMost(Duration.ofSeconds(30));
        HealthProbe.Answer live = HealthProbe.await("live", false);
        assertTrue(live.body().contains("kafka-events-handlers")
                && live.body().contains(Handlers.class.getName() + "#slow")
                && live.body().contains("test.progress.public.jobs-"), live.body());
        Observed.RELEASE.countDown();
        HealthProbe.await("live", true);
    }

    @Test
    void asynchronousHandlerCallbacksLogWithTheEventMdc() {
        publisher.publish(new NoteTaken("note-1")).await().atMost(Duration.ofSeconds(30));
        await(() -> Observed.MDC_IN_CALLBACK.containsKey("note-1"));
        String seen = Observed.MDC_IN_CALLBACK.get("note-1");
        assertTrue(seen.startsWith("NoteTaken/") && !seen.endsWith("/null"), seen);
    }

    @Test
    void eachFailedHandlerFollowsItsOwnPolicy() {
        publisher.publish(new ChargeMade("ch-1")).await().atMost(Duration.ofSeconds(30));
        await(() -> Observed.ATTEMPTS.getOrDefault("mail", List.of()).size() >= 3);
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        // the non-retryable failure is not retried although its handler has attempts left; the other handler gets
        // exactly its own three attempts
        assertEquals(List.of(1), Observed.ATTEMPTS.get("ledger"));
        assertEquals(List.of(1, 2, 3), Observed.ATTEMPTS.get("mail"));
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s; attempts " + Observed.ATTEMPTS + ", MDC "
                        + Observed.MDC_IN_CALLBACK);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
