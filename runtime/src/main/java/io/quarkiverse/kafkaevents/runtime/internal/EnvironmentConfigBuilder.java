package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.runtime.configuration.ConfigBuilder;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Gives {@code quarkus.kafka-events.environment} its default, the active profile, as a configuration value, so that
 * channel settings generated at build time can refer to it in expressions and still follow the environment at run
 * time. Its ordinal is below every user-facing source: any explicit setting wins.
 */
public class EnvironmentConfigBuilder implements ConfigBuilder {

    static final String ENVIRONMENT = "quarkus.kafka-events.environment";
    /** The environment segment of topic names as it appears in them (lower case), for channel expressions. */
    public static final String TOPIC_ENVIRONMENT = "kafka-events.topic-names.environment";
    /** The default domain segment of topic names as it appears in them (lower case), for channel expressions. */
    public static final String TOPIC_DOMAIN = "kafka-events.topic-names.domain";
    private static final int ORDINAL = 10;

    @Override
    public SmallRyeConfigBuilder configBuilder(SmallRyeConfigBuilder builder) {
        return builder.withSources((ConfigSourceFactory) context -> {
            String environment = environmentOf(context.getProfiles());
            Map<String, String> values = new HashMap<>();
            values.put(ENVIRONMENT, environment);
            values.put(TOPIC_ENVIRONMENT, lowerCase(value(context, ENVIRONMENT), environment));
            String domain = value(context, "quarkus.kafka-events.domain");
            if (domain == null) {
                domain = value(context, "quarkus.application.name");
            }
            if (domain != null) {
                values.put(TOPIC_DOMAIN, domain.toLowerCase(Locale.ROOT));
            }
            return List.of(new PropertiesConfigSource(values, "kafka-events environment default", ORDINAL));
        });
    }

    /** A plain value set by the user, or {@code null} (expressions are left to the generated defaults). */
    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        String raw = value == null ? null : value.getValue();
        return raw == null || raw.isBlank() || raw.contains("${") ? null : raw.trim();
    }

    private static String lowerCase(String value, String fallback) {
        return value == null ? fallback : value.toLowerCase(Locale.ROOT);
    }

    /** The environment of the active profiles: the first one, lower-cased; {@code prod} when there is none. */
    public static String environmentOf(List<String> profiles) {
        return profiles.isEmpty() ? "prod" : profiles.get(0).toLowerCase(Locale.ROOT);
    }
}
