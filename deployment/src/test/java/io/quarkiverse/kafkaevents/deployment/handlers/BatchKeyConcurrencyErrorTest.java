package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/** A batch handler holds the records of one partition in order: key concurrency on it fails start-up, naming it. */
public class BatchKeyConcurrencyErrorTest {

    @EventTopic(value = "crates", domain = "batch-error")
    public record CrateLoaded(String id) {
    }

    public static class Crates {
        @EventHandler
        void on(List<CrateLoaded> crates) {
        }
    }

    static final String SETTING = "quarkus.kafka-events.handlers.\"" + Crates.class.getName() + "#on\".key-concurrency";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(CrateLoaded.class, Crates.class))
            .overrideConfigKey(SETTING, "4")
            .assertException(t -> {
                String messages = StartupFailures.messages(t);
                assertTrue(messages.contains(SETTING + " is 4, but " + Crates.class.getName() + "#on is a batch handler"),
                        messages);
            });

    @Test
    void startFails() {
        // start-up is expected to fail; assertException checks why
    }
}
