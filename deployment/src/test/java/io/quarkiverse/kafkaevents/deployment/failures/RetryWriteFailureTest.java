package io.quarkiverse.kafkaevents.deployment.failures;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * In mode retry-topics, when the retry record cannot be written, the failed record is not acknowledged, so its offset
 * is never committed: it will be delivered again.
 */
public class RetryWriteFailureTest extends WriteFailureScenario {

    static final String TOPIC = "test.retry-failure.public.withdrawals";

    @EventTopic(value = "withdrawals", domain = "retry-failure")
    public record WithdrawalMade(@PartitionKey String id, boolean fail) {
    }

    public static class Handled {
        static final Map<String, Boolean> IDS = new ConcurrentHashMap<>();
    }

    public static class WithdrawalHandler {
        @EventHandler
        void on(WithdrawalMade withdrawal) {
            Handled.IDS.put(withdrawal.id(), true);
            if (withdrawal.fail()) {
                throw new IllegalStateException("cannot withdraw " + withdrawal.id());
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(WithdrawalMade.class, Handled.class, WithdrawalHandler.class,
                    RawRecords.class, FailureRecords.class, WriteFailureScenario.class))
            .overrideConfigKey("quarkus.application.name", "retry-failure-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "retry-topics")
            .overrideConfigKey("quarkus.kafka-events.events.\"WithdrawalMade\".partitions", "1");

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    String refusedTopic() {
        return TOPIC + ".retry-1";
    }

    @Override
    String group() {
        return "retry-failure-test";
    }

    @Override
    void publish(String id, boolean fail) {
        publisher.publish(new WithdrawalMade(id, fail)).await().atMost(Duration.ofSeconds(30));
    }

    @Override
    boolean handled(String id) {
        return Handled.IDS.containsKey(id);
    }
}
