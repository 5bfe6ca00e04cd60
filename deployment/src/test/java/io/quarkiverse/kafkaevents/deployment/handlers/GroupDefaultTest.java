package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.runtime.internal.EnvironmentConfigBuilder;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The default consumer group of handlers, resolved the way the application resolves it (the generated channel
 * default over the environment config builder), for several profiles of one service: each environment gets a group
 * of its own, and {@code quarkus.kafka-events.group-id} replaces the default.
 */
public class GroupDefaultTest {

    private static String group(String profile, Map<String, String> settings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withDefaultValue("kafka-events.test-group", HandlersProcessor.DEFAULT_GROUP)
                .withDefaultValue("quarkus.application.name", "shop")
                .withSources(new io.smallrye.config.PropertiesConfigSource(settings, "test", 250));
        if (profile != null) {
            builder.withProfile(profile);
        }
        builder = new EnvironmentConfigBuilder().configBuilder(builder);
        SmallRyeConfig config = builder.build();
        return config.getValue("kafka-events.test-group", String.class);
    }

    @Test
    void environmentsGetGroupsOfTheirOwn() {
        assertEquals("dev.shop", group("dev", Map.of()));
        assertEquals("test.shop", group("test", Map.of()));
        assertEquals("prod.shop", group(null, Map.of()));
        assertNotEquals(group("dev", Map.of()), group(null, Map.of()));
    }

    @Test
    void explicitEnvironmentIsUsed() {
        assertEquals("staging.shop", group(null, Map.of("quarkus.kafka-events.environment", "Staging")));
    }

    @Test
    void groupIdReplacesTheDefault() {
        assertEquals("shop-consumers", group("dev", Map.of("quarkus.kafka-events.group-id", "shop-consumers")));
    }
}
