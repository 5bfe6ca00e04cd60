package io.quarkiverse.kafkaevents.deployment.security;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A wrong password against the {@code sasl-ssl} dev broker fails start-up with a message naming the setting to check,
 * and without the password.
 */
public class WrongPasswordTest {

    static final String WRONG = "not-the-password-4711";

    @EventTopic(value = "locks", domain = "secure")
    public record LockTurned(@PartitionKey String id) {
    }

    public static class Locks {
        @EventHandler
        void on(LockTurned lock) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(LockTurned.class, Locks.class, StartupFailures.class))
            .overrideConfigKey("quarkus.application.name", "wrong-password-test")
            .overrideConfigKey("quarkus.kafka-events.devservices.security", "sasl-ssl")
            .overrideConfigKey("quarkus.kafka-events.topics.timeout", "10s")
            .overrideConfigKey("kafka.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"kafka-events\""
                            + " password=\"" + WRONG + "\";")
            .assertException(failure -> {
                String messages = StartupFailures.messages(failure);
                assertTrue(messages.contains("Could not authenticate to the Kafka broker")
                        && messages.contains("kafka.sasl.jaas.config"), messages);
                assertTrue(!messages.contains(WRONG), "the password is in the message: " + messages);
            });

    @Test
    void startUpFails() {
        fail("the application must not start with a wrong password");
    }
}
