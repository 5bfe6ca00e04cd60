package io.quarkiverse.kafkaevents.it.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A test class with another profile restarts the application; the dev broker stays, and nothing in the log talks
 * about Docker.
 */
@QuarkusTest
@TestProfile(DevBrokerReuseTest.OtherProfile.class)
class DevBrokerReuseTest {

    public static class OtherProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("orders.test.profile", "other");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void restartedApplicationKeepsTheSameBroker() {
        DevBrokerProcesses.assertSameBrokerAsOtherTestClasses(bootstrapServers);
    }

    @Test
    void logHasNoContainerRuntimeNoise() throws IOException {
        Path log = Path.of("target/quarkus-test.log");
        List<String> noise = Files.readAllLines(log).stream()
                .filter(line -> {
                    String l = line.toLowerCase(Locale.ROOT);
                    return l.contains("docker") || l.contains("testcontainers") || l.contains("container runtime");
                })
                .toList();
        assertEquals(List.of(), noise);
    }
}
