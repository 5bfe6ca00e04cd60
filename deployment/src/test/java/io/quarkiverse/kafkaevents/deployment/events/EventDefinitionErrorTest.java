package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Broken event types fail the build of a real application with one {@link EventDefinitionException} listing every
 * problem.
 */
public class EventDefinitionErrorTest {

    @EventTopic("orders")
    public static class DuplicateOrder {
        @PartitionKey
        public String tenantId;
        @PartitionKey
        public String orderId;
    }

    @EventTopic("payments")
    public static class UnreadableKey {
        @PartitionKey
        private String secret;
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(DuplicateOrder.class, UnreadableKey.class))
            .overrideConfigKey("quarkus.kafka-events.devservices.enabled", "false")
            .assertException(t -> {
                Throwable definition = StartupFailures.find(t, EventDefinitionException.class);
                assertNotNull(definition, "no EventDefinitionException in the cause chain of " + t);
                String message = definition.getMessage();
                assertTrue(message.contains("2 problem(s)"), message);
                assertTrue(message.contains(DuplicateOrder.class.getName()), message);
                assertTrue(message.contains("field tenantId") && message.contains("field orderId"), message);
                assertTrue(message.contains(UnreadableKey.class.getName() + ".secret"), message);
            });

    @Test
    void buildFails() {
        // the build is expected to fail; assertException checks why
    }
}
