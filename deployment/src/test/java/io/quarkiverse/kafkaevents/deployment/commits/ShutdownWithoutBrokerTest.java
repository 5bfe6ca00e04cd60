package io.quarkiverse.kafkaevents.deployment.commits;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The stop of the handlers with the broker gone: the drain and the final commits of three channels share one budget
 * ({@code shutdown.timeout}, 2 s here), the commits of all consumers wait for the broker together rather than one
 * after the other, the commits of the revocations SmallRye triggers when it closes the consumers take only what is
 * left of it, so the whole stop of the application stays within the timeout plus a margin; and the log says, per
 * channel, which partitions will be delivered again and from which offset.
 * The records handled are not committed before the stop (a 10-minute commit interval), so every final commit has to
 * wait for the broker that is gone.
 */
public class ShutdownWithoutBrokerTest {

    static final long TIMEOUT_MILLIS = 2_000;
    /**
     * Margin over the timeout: the commits are given up at the deadline; SmallRye then closes the consumers and the
     * publisher (measured: the whole stop 2.15 s, the handlers' part 2.01 s).
     */
    static final long MARGIN_MILLIS = 1_000;
    static final String LINES = "shutdown-without-broker.lines";
    static final String HANDLER = "shutdown-without-broker.handler";
    static final List<String> TOPICS = List.of("stop.alpha", "stop.beta", "stop.gamma");

    @EventTopic(value = "alpha", domain = "stop")
    public record AlphaHappened(@PartitionKey String id) {
    }

    @EventTopic(value = "beta", domain = "stop")
    public record BetaHappened(@PartitionKey String id) {
    }

    @EventTopic(value = "gamma", domain = "stop")
    public record GammaHappened(@PartitionKey String id) {
    }

    public static class Handled {
        static final Map<String, Boolean> IDS = new ConcurrentHashMap<>();
    }

    public static class Handlers {
        @EventHandler
        void on(AlphaHappened event) {
            Handled.IDS.put(event.id(), true);
        }

        @EventHandler
        void on(BetaHappened event) {
            Handled.IDS.put(event.id(), true);
        }

        @EventHandler
        void on(GammaHappened event) {
            Handled.IDS.put(event.id(), true);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(AlphaHappened.class, BetaHappened.class, GammaHappened.class,
                    Handled.class, Handlers.class))
            .overrideConfigKey("quarkus.application.name", "shutdown-without-broker")
            .overrideConfigKey("quarkus.kafka-events.shutdown.timeout", TIMEOUT_MILLIS + "ms")
            .overrideConfigKey("quarkus.kafka-events.commit-interval", "10m")
            .overrideConfigKey("quarkus.kafka-events.events.\"AlphaHappened\".topic", TOPICS.get(0))
            .overrideConfigKey("quarkus.kafka-events.events.\"AlphaHappened\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"BetaHappened\".topic", TOPICS.get(1))
            .overrideConfigKey("quarkus.kafka-events.events.\"BetaHappened\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"GammaHappened\".topic", TOPICS.get(2))
            .overrideConfigKey("quarkus.kafka-events.events.\"GammaHappened\".partitions", "1")
            .setAfterUndeployListener(ShutdownWithoutBrokerTest::afterStop);

    @Inject
    EventPublisher publisher;

    @Test
    @SuppressWarnings("unchecked")
    void stopsWithinTheBudgetAndSaysWhatIsLeft() {
        for (int i = 0; i < 3; i++) {
            publisher.publish(new AlphaHappened("a" + i)).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new BetaHappened("b" + i)).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new GammaHappened("g" + i)).await().atMost(Duration.ofSeconds(30));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Handled.IDS.size() < 9) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("handled only " + Handled.IDS.keySet());
            }
            sleep(50);
        }
        // the stop's log lines, kept where the test's other class loader (which runs afterStop) finds them
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        Logger.getLogger("io.quarkiverse.kafkaevents").addHandler(handler);
        Logger.getLogger("io.quarkus").addHandler(handler);
        System.getProperties().put(LINES, lines);
        System.getProperties().put(HANDLER, handler);
        for (DevBrokerCluster.Node node : DevBrokerCluster.current().nodes()) {
            node.stop();
        }
    }

    /** After the application stopped: the broker back for the next tests, then the stop's log checked. */
    @SuppressWarnings("unchecked")
    static void afterStop() {
        List<String> lines = (List<String>) System.getProperties().remove(LINES);
        Handler handler = (Handler) System.getProperties().remove(HANDLER);
        for (DevBrokerCluster.Node node : DevBrokerCluster.current().nodes()) {
            if (!node.isRunning()) {
                node.start(Duration.ofSeconds(60));
            }
        }
        if (lines == null) {
            return; // the test did not get as far as stopping the broker: its own failure says why
        }
        Logger.getLogger("io.quarkiverse.kafkaevents").removeHandler(handler);
        Logger.getLogger("io.quarkus").removeHandler(handler);
        System.out.println("SHUTDOWN-WITHOUT-BROKER: " + lines);
        // the whole stop, as Quarkus reports it: the handlers' drain and commits, then SmallRye closing the consumers
        Matcher whole = lines.stream().map(Pattern.compile(" stopped in (\\d+)\\.(\\d{3})s")::matcher)
                .filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("no Quarkus stop line in " + lines));
        long wholeMillis = Long.parseLong(whole.group(1)) * 1000 + Long.parseLong(whole.group(2));
        if (wholeMillis > TIMEOUT_MILLIS + MARGIN_MILLIS) {
            throw new AssertionError("the application's stop took " + wholeMillis + " ms, over the shutdown timeout of "
                    + TIMEOUT_MILLIS + " ms + " + MARGIN_MILLIS + " ms; log: " + lines);
        }
        Matcher stopped = lines.stream().map(Pattern.compile("Kafka Events handlers stopped in (\\d+) ms")::matcher)
                .filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("no stop line in " + lines));
        long took = Long.parseLong(stopped.group(1));
        if (took > TIMEOUT_MILLIS + MARGIN_MILLIS) {
            throw new AssertionError("the handlers' stop took " + took + " ms, over the shutdown timeout of "
                    + TIMEOUT_MILLIS + " ms + " + MARGIN_MILLIS + " ms; log: " + lines);
        }
        for (String topic : TOPICS) {
            String left = topic + "-0 from offset 0";
            if (lines.stream().noneMatch(line -> line.contains("left for redelivery") && line.contains(left))) {
                throw new AssertionError("no line saying " + left + " is left for redelivery; log: " + lines);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
