package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The inbox turned on by settings in an application without a JDBC datasource (this module's tests have
 * {@code quarkus-narayana-jta}, not {@code quarkus-agroal}): start-up fails naming each setting and what to add.
 */
public class InboxSettingWithoutDatasourceTest {

    @EventTopic(value = "refunds", domain = "noinboxsetting")
    public record RefundIssued(String id) {
    }

    public static class Refunds {
        @EventHandler
        void on(RefundIssued refund) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, Refunds.class))
            .overrideConfigKey("quarkus.kafka-events.inbox.enabled", "true")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Refunds.class.getName() + "#on\".inbox", "true")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("quarkus.kafka-events.inbox.enabled=true: the inbox needs"
                        + " quarkus-narayana-jta and quarkus-agroal (with a JDBC driver, such as"
                        + " quarkus-jdbc-postgresql); add them or turn the setting off"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.handlers.\"" + Refunds.class.getName()
                        + "#on\".inbox=true: the inbox needs quarkus-narayana-jta and quarkus-agroal"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
