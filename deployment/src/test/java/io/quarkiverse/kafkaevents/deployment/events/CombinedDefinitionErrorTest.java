package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Event-type problems and handler problems fail the build together: one {@link EventDefinitionException} lists
 * both kinds, so a user fixes them in one round. A handler of a broken event type is not reported again as taking
 * "no event type".
 */
public class CombinedDefinitionErrorTest {

    @EventTopic("Big Orders")
    public record BrokenTopic(String id) {
    }

    @EventTopic(value = "parcels", domain = "logistics")
    public record ParcelShipped(String parcelId) {
    }

    public static class Handlers {

        @EventHandler
        String wrongReturnType(ParcelShipped event) {
            return event.parcelId();
        }

        @EventHandler
        void ofBrokenType(BrokenTopic event) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BrokenTopic.class, ParcelShipped.class, Handlers.class))
            .overrideConfigKey("quarkus.kafka-events.devservices.enabled", "false")
            .assertException(t -> {
                Throwable definition = StartupFailures.find(t, EventDefinitionException.class);
                assertNotNull(definition, "no EventDefinitionException in the cause chain of " + t);
                String message = definition.getMessage();
                assertTrue(message.contains("2 problem(s)"), message);
                // the event type's problem, with the name as typed
                assertTrue(message.contains(BrokenTopic.class.getName() + " has an invalid value \"Big Orders\""),
                        message);
                // the handler's problem, in the same failure
                assertTrue(message.contains(Handlers.class.getName() + "#wrongReturnType returns java.lang.String"),
                        message);
                assertFalse(message.contains("is not an event type"), message);
            });

    @Test
    void buildFailsOnceWithBothKinds() {
        // the build is expected to fail; assertException checks why
    }
}
