package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * {@code @EventHandler(kafkaTransaction = true)} on handlers that cannot run in a Kafka transaction: the build fails
 * naming each one and why.
 */
public class KafkaTransactionErrorTest {

    @EventTopic(value = "payouts", domain = "notx")
    public record PayoutMade(String id) {
    }

    public static class Payouts {
        @EventHandler(kafkaTransaction = true)
        Uni<Void> reactive(PayoutMade payout) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler(kafkaTransaction = true, group = "batches")
        void all(List<PayoutMade> payouts) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PayoutMade.class, Payouts.class))
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains("@EventHandler(kafkaTransaction = true) " + Payouts.class.getName()
                        + "#reactive is non-blocking (it returns Uni): the events a handler publishes join its Kafka"
                        + " transaction on the thread of its call, so it needs a blocking handler returning void"),
                        messages);
                assertTrue(messages.contains("@EventHandler(kafkaTransaction = true) " + Payouts.class.getName()
                        + "#all is a batch handler (it takes a List of events): a Kafka transaction needs a blocking"
                        + " handler of one event, returning void"), messages);
            });

    @Test
    void buildFails() {
        // the build is expected to fail; assertException checks why
    }
}
