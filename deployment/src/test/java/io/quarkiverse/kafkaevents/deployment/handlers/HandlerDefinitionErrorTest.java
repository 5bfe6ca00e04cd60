package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkiverse.kafkaevents.deployment.events.EventDefinitionException;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Broken handlers fail the build of a real application with one {@link EventDefinitionException} listing every
 * problem.
 */
public class HandlerDefinitionErrorTest {

    @EventTopic(value = "parcels", domain = "logistics")
    public record ParcelShipped(String parcelId) {
    }

    public static class BadHandlers {

        @EventHandler
        void wrongFirstParameter(String payload) {
        }

        @EventHandler
        String wrongReturnType(ParcelShipped event) {
            return event.parcelId();
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class, BadHandlers.class))
            .overrideConfigKey("quarkus.kafka-events.devservices.enabled", "false")
            .assertException(t -> {
                Throwable definition = StartupFailures.find(t, EventDefinitionException.class);
                assertNotNull(definition, "no EventDefinitionException in the cause chain of " + t);
                String message = definition.getMessage();
                assertTrue(message.contains("2 problem(s)"), message);
                assertTrue(message.contains(BadHandlers.class.getName() + "#wrongFirstParameter"), message);
                assertTrue(message.contains("first parameter type java.lang.String is not an event type"), message);
                assertTrue(message.contains(BadHandlers.class.getName() + "#wrongReturnType"), message);
                assertTrue(message.contains("returns java.lang.String"), message);
            });

    @Test
    void buildFails() {
        // the build is expected to fail; assertException checks why
    }
}
