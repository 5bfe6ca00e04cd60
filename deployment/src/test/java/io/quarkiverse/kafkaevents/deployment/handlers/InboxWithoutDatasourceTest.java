package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code @EventHandler(inbox = true)} in an application without a JDBC datasource (this module's tests have
 * {@code quarkus-narayana-jta}, not {@code quarkus-agroal}): the build fails naming the handler and what to add; a batch
 * inbox handler is named too.
 */
public class InboxWithoutDatasourceTest {

    @EventTopic(value = "refunds", domain = "noinbox")
    public record RefundIssued(String id) {
    }

    public static class Refunds {
        @EventHandler(inbox = true)
        void on(RefundIssued refund) {
        }

        @EventHandler(inbox = true)
        void all(java.util.List<RefundIssued> refunds) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, Refunds.class))
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("@EventHandler(inbox = true) " + Refunds.class.getName() + "#on: the inbox"
                        + " needs quarkus-narayana-jta and quarkus-agroal (with a JDBC driver, such as"
                        + " quarkus-jdbc-postgresql); add them, or remove inbox = true"), messages);
                assertTrue(messages.contains("@EventHandler(inbox = true) " + Refunds.class.getName() + "#all is a batch"
                        + " handler (it takes a List of events): the inbox needs a blocking handler of one event,"
                        + " returning void"), messages);
            });

    @Test
    void buildFails() {
        // the build is expected to fail; assertException checks why
    }
}
