package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import io.quarkus.test.QuarkusUnitTest;

/**
 * Blocking handlers of different partitions run side by side on worker threads, and each call's log MDC (and, with
 * OpenTelemetry, its current span: both live in the same place) is its own event's for the whole call: a call never
 * sees the entries of a call running beside it, nor loses its own when that other call ends; nor does a retry, called
 * after its backoff.
 */
public class BlockingHandlerMdcTest {

    static final int PARTITIONS = BlockingDrainTest.PARTITIONS;
    static final int PER_PARTITION = 40;

    @EventTopic(value = "readings", domain = "mdc")
    public record Reading(@PartitionKey String meter, int sequence) {
    }

    public static class Seen {
        static final CountDownLatch GATE = new CountDownLatch(1);
        static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();
        static final ConcurrentLinkedQueue<String> WRONG = new ConcurrentLinkedQueue<>();
        static final Set<Integer> OVERLAPPING = ConcurrentHashMap.newKeySet();
        static final Set<Integer> RUNNING = ConcurrentHashMap.newKeySet();
    }

    public static class Readings {
        @EventHandler
        void on(Reading reading, EventContext context) throws InterruptedException {
            if (!Seen.GATE.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            Seen.RUNNING.add(context.partition());
            check("at the start", context);
            Thread.sleep(3); // the other partitions' calls start and end meanwhile
            if (Seen.RUNNING.size() > 1) {
                Seen.OVERLAPPING.add(context.partition());
            }
            check("after others ran", context);
            Seen.RUNNING.remove(context.partition());
            if (reading.sequence() % 5 == 0 && context.attempt() == 1) {
                // its retry runs after a backoff, from a timer: with its own MDC too
                throw new IllegalStateException("first attempt of " + reading.sequence() + " fails");
            }
            Seen.HANDLED.add(reading.meter() + "/" + reading.sequence());
        }

        private static void check(String when, EventContext context) {
            Object id = MDC.get("event.id");
            Object offset = MDC.get("event.offset");
            Object partition = MDC.get("event.partition");
            if (!context.id().equals(id) || !String.valueOf(context.offset()).equals(String.valueOf(offset))
                    || !String.valueOf(context.partition()).equals(String.valueOf(partition))) {
                Seen.WRONG.add(when + ": event " + context.id() + " at " + context.partition() + "/"
                        + context.offset() + " saw " + id + " at " + partition + "/" + offset);
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Reading.class, Seen.class, Readings.class,
                    BlockingDrainTest.class))
            .overrideConfigKey("quarkus.application.name", "mdc-test")
            .overrideConfigKey("quarkus.kafka-events.failure.retry.initial-backoff", "20ms")
            .overrideConfigKey("quarkus.kafka-events.events.\"Reading\".partitions", String.valueOf(PARTITIONS));

    @Inject
    EventPublisher publisher;

    @Test
    void eachConcurrentCallSeesItsOwnEventInTheMdc() throws Exception {
        List<String> keys = BlockingDrainTest.keysPerPartition(); // as many partitions as here
        List<Reading> readings = new ArrayList<>();
        for (int sequence = 0; sequence < PER_PARTITION; sequence++) {
            for (String key : keys) {
                readings.add(new Reading(key, sequence));
            }
        }
        publisher.publishAll(readings).await().atMost(Duration.ofSeconds(60));
        Seen.GATE.countDown();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Seen.HANDLED.size() < readings.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(readings.size(), Seen.HANDLED.size(), "readings handled");
        assertTrue(Seen.OVERLAPPING.size() > 1, "calls of different partitions ran side by side: "
                + Seen.OVERLAPPING);
        List<String> wrong = List.copyOf(Seen.WRONG);
        assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())),
                wrong.size() + " calls saw another event's MDC, the first five");
    }
}
