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
 * {@code @EventHandler(inbox = true)} on a non-blocking handler fails the build, naming the handler: the inbox runs a
 * handler in a JTA transaction on a worker thread.
 */
public class InboxNonBlockingTest {

    @EventTopic(value = "refunds", domain = "inbox-reject")
    public record RefundIssued(@PartitionKey String id) {
    }

    public static class Refunds {
        @EventHandler(inbox = true)
        Uni<Void> on(RefundIssued refund) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler(inbox = true)
        CompletionStage<Void> audit(RefundIssued refund) {
            return null;
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, Refunds.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "inbox-reject-test")
            .assertException(failure -> {
                StringBuilder all = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t).append('\n');
                }
                String messages = all.toString();
                assertTrue(messages.contains("@EventHandler(inbox = true) " + Refunds.class.getName()
                        + "#on is non-blocking (it returns Uni)"), messages);
                assertTrue(messages.contains("@EventHandler(inbox = true) " + Refunds.class.getName()
                        + "#audit is non-blocking (it returns CompletionStage)"), messages);
            }));

    @Test
    void rejected() {
        fail("the build must fail");
    }
}
