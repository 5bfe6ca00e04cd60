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
 * When the dead-letter record cannot be written, the failed record is not acknowledged, so its offset is never
 * committed: it will be delivered again.
 */
public class DeadLetterWriteFailureTest extends WriteFailureScenario {

    static final String TOPIC = "test.dlt-failure.public.transfers";

    @EventTopic(value = "transfers", domain = "dlt-failure")
    public record TransferMade(@PartitionKey String id, boolean fail) {
    }

    public static class Handled {
        static final Map<String, Boolean> IDS = new ConcurrentHashMap<>();
    }

    public static class TransferHandler {
        @EventHandler
        void on(TransferMade transfer) {
            Handled.IDS.put(transfer.id(), true);
            if (transfer.fail()) {
                throw new IllegalStateException("cannot transfer " + transfer.id());
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TransferMade.class, Handled.class, TransferHandler.class,
                    RawRecords.class, FailureRecords.class, WriteFailureScenario.class))
            .overrideConfigKey("quarkus.application.name", "dlt-failure-test")
            .overrideConfigKey("quarkus.kafka-events.failure.mode", "none")
            .overrideConfigKey("quarkus.kafka-events.events.\"TransferMade\".partitions", "1");

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    String refusedTopic() {
        return TOPIC + ".dead-letter";
    }

    @Override
    String group() {
        return "dlt-failure-test";
    }

    @Override
    void publish(String id, boolean fail) {
        publisher.publish(new TransferMade(id, fail)).await().atMost(Duration.ofSeconds(30));
    }

    @Override
    boolean handled(String id) {
        return Handled.IDS.containsKey(id);
    }
}
