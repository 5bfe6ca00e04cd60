package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Retry settings keyed by a handler method that does not exist fail start-up, naming the key and the handlers.
 */
public class HandlerSettingsErrorTest {

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
            .assertException(t -> {
                String messages = FailureRecords.messages(t);
                assertTrue(messages.contains("quarkus.kafka-events.handlers names no @EventHandler method: ["
                        + RefundHandler.class.getName() + "#onRefund]"), messages);
                assertTrue(messages.contains(RefundHandler.class.getName() + "#on]"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
