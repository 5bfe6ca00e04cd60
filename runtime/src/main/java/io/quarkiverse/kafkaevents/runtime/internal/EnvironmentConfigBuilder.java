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
        return builder.withSources((ConfigSourceFactory) context -> List.of(new PropertiesConfigSource(
                Map.of(ENVIRONMENT, environmentOf(context.getProfiles())), "kafka-events environment default", ORDINAL)));
    }

    /** The environment of the active profiles: the first one, lower-cased; {@code prod} when there is none. */
    static String environmentOf(List<String> profiles) {
        return profiles.isEmpty() ? "prod" : profiles.get(0).toLowerCase(Locale.ROOT);
    }
}
