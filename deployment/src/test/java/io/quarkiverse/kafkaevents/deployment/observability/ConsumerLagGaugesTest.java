package io.quarkiverse.kafkaevents.deployment.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The lag gauges follow the partitions this instance holds: registered on assignment (a partition without any record
 * has them), with values that match a known backlog, and removed when a rebalance gives the partition to another
 * member (no stale value left behind).
 */
public class ConsumerLagGaugesTest {

    static final String APP = "lag-gauges-test";
    static final String GROUP = "test." + APP;
    static final String TOPIC = "test." + APP + ".public.meters-read";
    static final String LAG_SECONDS = "kafka.events.consumer.lag.seconds";
    static final String LAG = "kafka.events.consumer.lag";

    @EventTopic(value = "meters-read", pluralize = false)
    public record MeterRead(@PartitionKey String meter) {
    }

    public static class Meters {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final AtomicInteger PARTITION = new AtomicInteger(-1);
        static final AtomicInteger HANDLED = new AtomicInteger();

        @EventHandler
        void on(MeterRead read, EventContext context) throws InterruptedException {
            PARTITION.set(context.partition());
            RELEASE.await(60, TimeUnit.SECONDS);
            HANDLED.incrementAndGet();
        }
    }

    /** A registry the gauges' values can be read from (Quarkus adds it to its composite registry). */
    public static class Registry {
        @Produces
        @Singleton
        SimpleMeterRegistry simple() {
            return new SimpleMeterRegistry();
        }
    }

    static final String HANDLER = "quarkus.kafka-events.handlers.\"" + Meters.class.getName() + "#on\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(MeterRead.class, Meters.class, Registry.class,
                    CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", APP)
            .overrideConfigKey("quarkus.kafka-events.events.\"MeterRead\".partitions", "2")
            .overrideConfigKey(HANDLER + "\"heartbeat.interval.ms\"", "200");

    @Inject
    EventPublisher publisher;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void gaugesFollowAssignmentsAndShowTheBacklog() throws Exception {
        // before any record: both partitions assigned to this instance have their gauges
        await(() -> gauges(LAG_SECONDS).size() == 2, () -> "gauges: " + gauges(LAG_SECONDS));
        assertEquals(Map.of(0, 0.0, 1, 0.0), gauges(LAG_SECONDS));

        publisher.publish(new MeterRead("m-1")).await().atMost(Duration.ofSeconds(30));
        await(() -> Meters.PARTITION.get() >= 0, () -> "the handler was not called");
        int held = Meters.PARTITION.get();
        Thread.sleep(2000);
        Map<Integer, Double> seconds = gauges(LAG_SECONDS);
        // the record held in the handler for 2 s (and its time to arrive): between 2 s and 2 s plus a generous 8 s
        assertTrue(seconds.get(held) >= 2.0 && seconds.get(held) < 10.0, "lag in seconds: " + seconds);
        assertEquals(0.0, seconds.get(1 - held), "lag in seconds of the partition without records: " + seconds);
        // the one record was read from the partition: nothing left behind it
        assertEquals(0.0, gauges(LAG).get(held), "records lag: " + gauges(LAG));
        Meters.RELEASE.countDown();
        await(() -> Meters.HANDLED.get() == 1 && gauges(LAG_SECONDS).get(held) == 0.0,
                () -> "after the handler returned: " + gauges(LAG_SECONDS));

        // another member joins and takes one partition: its gauges here go away, the other's stay
        try (KafkaConsumer<String, byte[]> member = CommitSupport.takeOver(bootstrap, GROUP, TOPIC)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                member.poll(Duration.ofMillis(200));
            }
            assertEquals(1, member.assignment().size(), "the new member's partitions: " + member.assignment());
            int taken = member.assignment().iterator().next().partition();
            await(() -> {
                member.poll(Duration.ofMillis(100));
                return gauges(LAG_SECONDS).keySet().equals(java.util.Set.of(1 - taken));
            }, () -> "gauges after the rebalance (partition " + taken + " taken): " + gauges(LAG_SECONDS));
            assertEquals(java.util.Set.of(1 - taken), gauges(LAG).keySet());
        }
    }

    /** The group's gauges of that name by partition, with their values. */
    private Map<Integer, Double> gauges(String name) {
        Map<Integer, Double> values = new TreeMap<>();
        for (Gauge gauge : registry.find(name).tags("topic", TOPIC, "group", GROUP).gauges()) {
            values.put(Integer.parseInt(gauge.getId().getTag("partition")), gauge.value());
        }
        return values;
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(100);
        }
    }
}
