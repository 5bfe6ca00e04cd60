package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Settings keyed by an event type or a handler method that does not exist (a typo) fail start-up with one message
 * naming every such key and what exists.
 */
public class SettingKeysErrorTest {

    @EventTopic(value = "refunds", domain = "settings-error")
    public record RefundIssued(String refundId) {
    }

    public static class RefundHandler {
        @EventHandler
        void on(RefundIssued refund) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, RefundHandler.class))
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + RefundHandler.class.getName() + "#onRefund\".max-attempts",
                    "5")
            .overrideConfigKey("quarkus.kafka-events.events.\"RefundIsued\".max-attempts", "5")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("quarkus.kafka-events.events.\"RefundIsued\" names no event type; the event"
                        + " types are [RefundIssued]"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.handlers.\"" + RefundHandler.class.getName()
                        + "#onRefund\" names no @EventHandler method; the handler methods are ["
                        + RefundHandler.class.getName() + "#on]"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
