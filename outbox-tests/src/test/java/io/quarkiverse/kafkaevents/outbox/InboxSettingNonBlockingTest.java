package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * The inbox turned on by settings for handlers that cannot use it: start-up fails, naming each handler and the setting
 * that turned it on (the application default for one, the handler's own setting for the other).
 */
public class InboxSettingNonBlockingTest {

    @EventTopic(value = "refunds", domain = "inbox-setting")
    public record RefundIssued(@PartitionKey String id) {
    }

    public static class Refunds {
        @EventHandler
        Uni<Void> on(RefundIssued refund) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler
        CompletionStage<Void> audit(RefundIssued refund) {
            return null;
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, Refunds.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "inbox-setting-test")
            .overrideConfigKey("quarkus.kafka-events.inbox.enabled", "true")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Refunds.class.getName() + "#audit\".inbox", "true")
            .assertException(failure -> {
                StringBuilder all = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t).append('\n');
                }
                String messages = all.toString();
                String on = Refunds.class.getName() + "#on";
                String audit = Refunds.class.getName() + "#audit";
                assertTrue(messages.contains("The inbox is on for " + on + " (quarkus.kafka-events.inbox.enabled=true),"
                        + " which is non-blocking (it returns a Uni or CompletionStage): the inbox needs a blocking"
                        + " handler of one event returning void, called in a JTA transaction. Make it one, or set"
                        + " quarkus.kafka-events.handlers.\"" + on + "\".inbox=false"), messages);
                assertTrue(messages.contains("The inbox is on for " + audit + " (quarkus.kafka-events.handlers.\""
                        + audit + "\".inbox=true), which is non-blocking"), messages);
            }));

    @Test
    void rejected() {
        fail("start-up must fail");
    }
}
