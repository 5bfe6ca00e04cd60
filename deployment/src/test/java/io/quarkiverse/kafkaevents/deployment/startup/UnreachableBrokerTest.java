package io.quarkiverse.kafkaevents.deployment.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A broker address where nothing listens: start-up fails within seconds (not after the 30 s provisioning timeout),
 * with one message naming the address, kafka.bootstrap.servers and quarkus.kafka-events.topics.timeout.
 */
public class UnreachableBrokerTest {

    static final long LOADED = System.nanoTime();

    @EventTopic(value = "bells", domain = "unreachable")
    public record BellRung(String id) {
    }

    public static class Bells {
        @EventHandler
        void on(BellRung bell) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BellRung.class, Bells.class))
            // port 1: nothing listens there, connections are refused
            .overrideConfigKey("kafka.bootstrap.servers", "127.0.0.1:1")
            .assertException(t -> {
                long elapsed = Duration.ofNanos(System.nanoTime() - LOADED).toSeconds();
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("could not reach any Kafka broker at 127.0.0.1:1 (kafka.bootstrap.servers)"),
                        messages);
                assertTrue(messages.contains("connection refused"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.topics.timeout (30 s)"), messages);
                // the build, then 3 s of refused connections: far below the 30 s provisioning timeout
                assertTrue(elapsed < 25, "start-up failed after " + elapsed + " s");
            });

    @Test
    void startFailsFast() {
        // start-up is expected to fail; assertException checks why
    }
}
