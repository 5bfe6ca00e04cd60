package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The outbox's database refuses the login: start-up fails naming the datasource and its JDBC URL, before SmallRye
 * starts the handlers' consumers (so a failing instance never joins its groups, which would rebalance the healthy
 * ones). The embedded test server trusts every password, so the login is refused for an unknown user instead: the
 * same failure at the same place.
 */
public class OutboxDatasourceLoginTest {

    /** Set by an observer that runs right after SmallRye Reactive Messaging started its channels and consumers. */
    static final String CONSUMERS_STARTED = "kafka-events.test.login.consumers-started";
    static final String URL = TestDatabase.url().replaceAll("\\?.*", "");

    static {
        System.clearProperty(CONSUMERS_STARTED);
    }

    @EventTopic(value = "tickets", domain = "login")
    public record TicketSold(@PartitionKey String id) {
    }

    public static class Box {
        @EventHandler
        void on(TicketSold ticket) {
        }

        void afterSmallRye(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 1) StartupEvent startup) {
            System.setProperty(CONSUMERS_STARTED, "true");
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TicketSold.class, Box.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "login-test"))
            // after withDatabase, which sets the working login
            .overrideConfigKey("quarkus.datasource.jdbc.url", URL)
            .overrideConfigKey("quarkus.datasource.username", "no_such_user")
            .overrideConfigKey("quarkus.datasource.password", "wrong")
            .assertException(failure -> {
                StringBuilder all = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t).append('\n');
                }
                String messages = all.toString();
                assertTrue(messages.contains("the outbox could not create its table kafka_events_outbox on the default"
                        + " datasource (" + URL + ")") && messages.contains("no_such_user")
                        && messages.contains("quarkus.datasource.jdbc.url, .username and .password"), messages);
                assertNull(System.getProperty(CONSUMERS_STARTED),
                        "start-up failed only after SmallRye had started the consumers");
            });

    @Test
    void startUpFailsBeforeAnyConsumerStarts() {
        fail("the application must not start when the outbox's database refuses the login");
    }
}
