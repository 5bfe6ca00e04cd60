package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.runtime.configuration.ConfigBuilder;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Gives {@code quarkus.kafka-events.environment} its default, the active profile, as a configuration value, so that
 * channel settings generated at build time can refer to it in expressions and still follow the environment at run
 * time. Its ordinal is below every user-facing source: any explicit setting wins.
 */
public class EnvironmentConfigBuilder implements ConfigBuilder {

    static final String ENVIRONMENT = "quarkus.kafka-events.environment";
    private static final int ORDINAL = 10;

    @Override
    public SmallRyeConfigBuilder configBuilder(SmallRyeConfigBuilder builder) {
        return builder.withSources((ConfigSourceFactory) context -> {
            List<String> profiles = context.getProfiles();
            String environment = profiles.isEmpty() ? "prod" : profiles.get(0).toLowerCase(Locale.ROOT);
            return List.of(new PropertiesConfigSource(Map.of(ENVIRONMENT, environment),
                    "kafka-events environment default", ORDINAL));
        });
    }
}
