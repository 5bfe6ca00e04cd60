package io.quarkiverse.kafkaevents.deployment.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkiverse.kafkaevents.runtime.internal.jta.JtaDeferredSends;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code delivery=after-commit} without a JTA transaction manager: start-up fails naming the event type, the setting
 * and the extension to add. Without {@code quarkus-narayana-jta} the extension registers no bean that holds sends until
 * a commit; this module's tests have that extension, so the test removes the bean ({@code quarkus.arc.exclude-types}),
 * which is what start-up looks for.
 */
public class AfterCommitWithoutJtaTest {

    @EventTopic(value = "tickets", domain = "nojta")
    public record TicketSold(String id) {
    }

    @EventTopic(value = "tickets", domain = "nojta")
    public record TicketRefunded(String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TicketSold.class, TicketRefunded.class))
            .overrideConfigKey("quarkus.arc.exclude-types", JtaDeferredSends.class.getName())
            .overrideConfigKey("quarkus.kafka-events.delivery", "after-commit")
            .overrideConfigKey("quarkus.kafka-events.events.\"TicketRefunded\".delivery", "after-commit")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("event type TicketSold is to be delivered after commit"
                        + " (quarkus.kafka-events.delivery=after-commit), which needs a JTA transaction manager:"
                        + " add the quarkus-narayana-jta extension"), messages);
                assertTrue(messages.contains("event type TicketRefunded is to be delivered after commit"
                        + " (quarkus.kafka-events.events.\"TicketRefunded\".delivery=after-commit)"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
