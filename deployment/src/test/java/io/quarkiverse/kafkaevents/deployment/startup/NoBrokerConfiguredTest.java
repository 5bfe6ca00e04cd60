package io.quarkiverse.kafkaevents.deployment.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * No broker configured and none started (as in prod mode): start-up fails at once, naming kafka.bootstrap.servers.
 */
public class NoBrokerConfiguredTest {

    @EventTopic(value = "bells", domain = "nobroker")
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
            .overrideConfigKey("quarkus.kafka-events.devservices.enabled", "false")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("no Kafka broker is configured"), messages);
                assertTrue(messages.contains("Set kafka.bootstrap.servers"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
