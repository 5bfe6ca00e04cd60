package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Kafka transactions asked for by settings: a non-blocking handler sharing the consumers of a handler in a transaction,
 * and key concurrency on such a channel, fail start-up naming the handlers and the settings.
 */
public class KafkaTransactionSettingErrorTest {

    @EventTopic(value = "payouts", domain = "notxsetting")
    public record PayoutMade(String id) {
    }

    @EventTopic(value = "refunds", domain = "notxsetting")
    public record RefundMade(String id) {
    }

    public static class Payouts {
        @EventHandler
        void on(PayoutMade payout) {
        }

        @EventHandler
        Uni<Void> audit(PayoutMade payout) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler(kafkaTransaction = true)
        void refund(RefundMade refund) {
        }
    }

    static final String ON = Payouts.class.getName() + "#on";
    static final String AUDIT = Payouts.class.getName() + "#audit";
    static final String REFUND = Payouts.class.getName() + "#refund";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PayoutMade.class, RefundMade.class, Payouts.class))
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + ON + "\".kafka-transaction", "true")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + REFUND + "\".key-concurrency", "4")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains(ON + " asks for a Kafka transaction (@EventHandler(kafkaTransaction ="
                        + " true), quarkus.kafka-events.handlers.\"" + ON + "\".kafka-transaction or"
                        + " quarkus.kafka-events.transactions.enabled), and " + AUDIT + " shares its consumers but is"
                        + " non-blocking (it returns Uni or CompletionStage)"), messages);
                assertTrue(messages.contains(REFUND + " asks for a Kafka transaction"), messages);
                assertTrue(messages.contains("but its consumers handle records by key side by side"
                        + " (quarkus.kafka-events.handlers.\"<handler>\".key-concurrency=4)"), messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
