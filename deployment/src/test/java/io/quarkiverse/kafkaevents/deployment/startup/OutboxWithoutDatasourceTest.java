package io.quarkiverse.kafkaevents.deployment.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code delivery=outbox} in an application without a JDBC datasource extension (this module's tests have
 * {@code quarkus-narayana-jta} but no {@code quarkus-agroal}): start-up fails, naming each event type, the setting that
 * sent it to the outbox (the global one or the type's own) and the extensions to add.
 */
public class OutboxWithoutDatasourceTest {

    @EventTopic(value = "cheques", domain = "nodatasource")
    public record ChequeCashed(String id) {
    }

    @EventTopic(value = "cheques", domain = "nodatasource")
    public record ChequeBounced(String id) {
    }

    @EventTopic(value = "receipts", domain = "nodatasource")
    public record ReceiptPrinted(String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ChequeCashed.class, ChequeBounced.class, ReceiptPrinted.class))
            .overrideConfigKey("quarkus.kafka-events.delivery", "outbox")
            .overrideConfigKey("quarkus.kafka-events.events.\"ChequeBounced\".delivery", "outbox")
            .overrideConfigKey("quarkus.kafka-events.events.\"ReceiptPrinted\".delivery", "immediate")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("event type ChequeCashed is to be delivered through the outbox"
                        + " (quarkus.kafka-events.delivery=outbox), which needs a JDBC datasource and a JTA transaction"
                        + " manager: add the quarkus-agroal (with a JDBC driver, such as quarkus-jdbc-postgresql) and"
                        + " quarkus-narayana-jta extensions"), messages);
                assertTrue(messages.contains("event type ChequeBounced is to be delivered through the outbox"
                        + " (quarkus.kafka-events.events.\"ChequeBounced\".delivery=outbox)"), messages);
                // a type sent at once needs neither
                assertTrue(!messages.contains("ReceiptPrinted"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
