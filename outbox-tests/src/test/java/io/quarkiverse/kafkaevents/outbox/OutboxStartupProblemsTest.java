package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * In production settings ({@code validate} for topics and the outbox table), start-up reports every problem in one
 * failure: each missing topic, the missing outbox table and a setting key naming no event type, instead of one
 * problem per start.
 */
public class OutboxStartupProblemsTest {

    @EventTopic(value = "parcels", domain = "problems")
    public record ParcelSent(@PartitionKey String id) {
    }

    @EventTopic(value = "labels", domain = "problems")
    public record LabelPrinted(@PartitionKey String id) {
    }

    public static class Depot {
        @EventHandler
        void on(ParcelSent parcel) {
        }

        @EventHandler
        void on(LabelPrinted label) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelSent.class, LabelPrinted.class, Depot.class,
                    TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "startup-problems-test")
            .overrideConfigKey("quarkus.kafka-events.topics.provisioning", "validate")
            .overrideConfigKey("quarkus.kafka-events.outbox.schema", "validate")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "absent_outbox")
            .overrideConfigKey("quarkus.kafka-events.events.\"ParcelSnet\".partitions", "3")
            .assertException(failure -> {
                StringBuilder all = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t).append('\n');
                }
                String messages = all.toString();
                assertTrue(messages.contains("Kafka Events cannot start: 3 problems"), messages);
                assertTrue(messages.contains("quarkus.kafka-events.events.\"ParcelSnet\" names no event type"),
                        messages);
                assertTrue(messages.contains("The outbox table absent_outbox does not exist"), messages);
                assertTrue(messages.contains("topic 'test.problems.public.parcels' does not exist")
                        && messages.contains("topic 'test.problems.public.labels' does not exist"), messages);
            }));

    @Test
    void startUpFailsOnceWithEveryProblem() {
        fail("the application must not start without its topics and outbox table");
    }
}
