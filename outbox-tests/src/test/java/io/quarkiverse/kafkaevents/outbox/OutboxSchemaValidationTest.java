package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * In {@code validate} mode (the default outside dev and test), a missing outbox table fails start-up with a message
 * naming the table and where its DDL is.
 */
public class OutboxSchemaValidationTest {

    @EventTopic(value = "invoices", domain = "validate")
    public record InvoiceSent(@PartitionKey String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(InvoiceSent.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "outbox-validate-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.schema", "validate")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "missing_outbox")
            .assertException(failure -> {
                StringBuilder messages = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    messages.append(t).append('\n');
                }
                assertTrue(messages.toString().contains("The outbox table missing_outbox does not exist")
                        && messages.toString().contains("META-INF/kafka-events/outbox-postgresql.sql")
                        && messages.toString().contains("quarkus.kafka-events.outbox.schema=create"),
                        messages.toString());
            }));

    @Test
    void startUpFails() {
        fail("the application must not start without its outbox table");
    }
}
