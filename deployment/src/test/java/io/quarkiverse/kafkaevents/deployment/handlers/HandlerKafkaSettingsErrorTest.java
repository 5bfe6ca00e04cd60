package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Consumer settings that cannot apply fail start-up with one message: two handlers sharing consumers (same topic,
 * same group) that set a property to different values, and a property the extension owns.
 */
public class HandlerKafkaSettingsErrorTest {

    @EventTopic(value = "chimes", domain = "settings-error")
    public record ChimeRung(String id) {
    }

    public static class Chimes {
        @EventHandler
        void first(ChimeRung chime) {
        }

        @EventHandler
        void second(ChimeRung chime) {
        }
    }

    static final String FIRST = "quarkus.kafka-events.handlers.\"" + Chimes.class.getName() + "#first\".kafka.";
    static final String SECOND = "quarkus.kafka-events.handlers.\"" + Chimes.class.getName() + "#second\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ChimeRung.class, Chimes.class))
            .overrideConfigKey(FIRST + "\"max.poll.records\"", "10")
            .overrideConfigKey(SECOND + "\"max.poll.records\"", "20")
            .overrideConfigKey("quarkus.kafka-events.events.\"ChimeRung\".kafka.\"group.id\"", "elsewhere")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains(SECOND + "\"max.poll.records\"=20 and " + FIRST
                        + "\"max.poll.records\"=10 apply to the same consumers"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.events.\"ChimeRung\".kafka.\"group.id\" cannot be set"),
                        messages);
                assertTrue(messages.contains("quarkus.kafka-events.group-id"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
