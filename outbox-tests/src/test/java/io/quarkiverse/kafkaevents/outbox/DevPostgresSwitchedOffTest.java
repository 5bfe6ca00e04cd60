package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * With the dev PostgreSQL switched off, the outbox's datasource is Quarkus' again: its container-based Dev Service
 * takes over, and without a Docker engine (as on this machine) the build fails with Quarkus' own message.
 */
public class DevPostgresSwitchedOffTest {

    @EventTopic(value = "orders", domain = "devpgoff")
    public record OrderPlaced(@PartitionKey String customer, String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrderPlaced.class))
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.datasource.db-kind", "postgresql")
            .overrideConfigKey("quarkus.kafka-events.delivery", "outbox")
            .overrideConfigKey("quarkus.kafka-events.devservices.postgres.enabled", "false")
            .assertException(e -> {
                String message = messages(e);
                assertTrue(message.contains("Docker") && message.contains("datasource"), message);
                assertTrue(!message.contains("dev PostgreSQL"), message);
            });

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void quarkusDevServiceIsBackInCharge() {
        fail("the build should have failed without a Docker engine");
    }
}
