package io.quarkiverse.kafkaevents.deployment.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * An environment that makes an invalid topic name fails start-up, and the message shows the environment as configured
 * (not only the lower-cased name).
 */
public class InvalidEnvironmentTest {

    @EventTopic(value = "bells", domain = "naming")
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
            .overrideConfigKey("quarkus.kafka-events.environment", "Staging Env")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("topic 'staging env.naming.public.bells' of event type "
                        + BellRung.class.getName() + " is invalid"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.environment \"Staging Env\""), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
