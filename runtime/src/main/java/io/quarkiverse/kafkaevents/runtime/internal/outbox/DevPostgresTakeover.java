package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.util.Iterator;
import java.util.Optional;
import java.util.function.Function;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Switches off the container-based datasource Dev Service of Quarkus for the outbox's datasource exactly when the
 * Kafka Events dev PostgreSQL takes its place (see {@link #datasourceServed}), so that a build without Docker does not
 * fail on it. It only supplies a value for {@code quarkus.datasource[."name"].devservices.enabled} when none is
 * configured, and supplies {@code db-kind=postgresql} when the datasource declares no kind (Quarkus infers
 * it from the single JDBC driver only while its own Dev Service may run). Setting {@code devservices.enabled}, or
 * {@code quarkus.kafka-events.devservices.postgres.enabled=false}, gives the
 * datasource back to Quarkus' own Dev Service.
 */
@Priority(Priorities.LIBRARY + 1000)
public class DevPostgresTakeover implements ConfigSourceInterceptor {

    private static final long serialVersionUID = 1L;

    static final String DEFAULT_DATASOURCE = "<default>";
    private static final String DATASOURCE_PREFIX = "quarkus.datasource.";
    private static final String DEVSERVICES_ENABLED = "devservices.enabled";
    private static final String DB_KIND = "db-kind";
    private static final String EVENTS_PREFIX = "quarkus.kafka-events.events.";
    private static final String SOURCE_NAME = "Kafka Events dev PostgreSQL (quarkus.kafka-events.devservices.postgres)";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !name.startsWith(DATASOURCE_PREFIX)) {
            return value;
        }
        String supplied;
        String suffix;
        if (name.endsWith(DEVSERVICES_ENABLED)) {
            suffix = DEVSERVICES_ENABLED;
            supplied = "false";
        } else if (name.endsWith(DB_KIND)) {
            suffix = DB_KIND;
            supplied = "postgresql";
        } else {
            return null;
        }
        String middle = name.substring(DATASOURCE_PREFIX.length(), name.length() - suffix.length());
        if (!middle.isEmpty() && !middle.endsWith(".")) {
            return null;
        }
        String datasource = middle.isEmpty() ? DEFAULT_DATASOURCE : unquote(middle.substring(0, middle.length() - 1));
        Function<String, String> lookup = key -> {
            ConfigValue v = context.proceed(key);
            return v == null ? null : v.getValue();
        };
        Optional<String> served = datasourceServed(lookup, () -> context.iterateNames());
        if (served.isPresent() && served.get().equals(datasource)) {
            return ConfigValue.builder().withName(name).withValue(supplied).withConfigSourceName(SOURCE_NAME)
                    .withConfigSourceOrdinal(Integer.MIN_VALUE + 1).build();
        }
        return null;
    }

    /**
     * The datasource the dev PostgreSQL serves: the outbox's datasource, when outbox delivery is configured (for the
     * application or any event type), the dev PostgreSQL and Dev Services are enabled, and that datasource has no
     * JDBC URL, is PostgreSQL or of no declared kind, and was not explicitly given to Quarkus' own Dev Service
     * ({@code devservices.enabled=true}).
     */
    public static Optional<String> datasourceServed(Function<String, String> lookup, Iterable<String> names) {
        if ("false".equalsIgnoreCase(trim(lookup.apply("quarkus.kafka-events.devservices.postgres.enabled")))
                || "false".equalsIgnoreCase(trim(lookup.apply("quarkus.devservices.enabled")))
                || !outboxConfigured(lookup, names)) {
            return Optional.empty();
        }
        String datasource = Optional.ofNullable(trim(lookup.apply("quarkus.kafka-events.outbox.datasource")))
                .filter(s -> !s.isEmpty()).orElse(DEFAULT_DATASOURCE);
        String prefix = prefix(datasource);
        String url = trim(lookup.apply(prefix + "jdbc.url"));
        String kind = trim(lookup.apply(prefix + "db-kind"));
        String quarkusDevService = trim(lookup.apply(prefix + DEVSERVICES_ENABLED));
        if ((url != null && !url.isEmpty()) || (kind != null && !kind.isEmpty() && !isPostgres(kind))
                || "true".equalsIgnoreCase(quarkusDevService)) {
            return Optional.empty();
        }
        return Optional.of(datasource);
    }

    /** {@code quarkus.datasource.} or {@code quarkus.datasource."name".}. */
    public static String prefix(String datasource) {
        return DEFAULT_DATASOURCE.equals(datasource) ? DATASOURCE_PREFIX
                : DATASOURCE_PREFIX + "\"" + datasource + "\".";
    }

    /**
     * Whether outbox delivery is configured, for the application ({@code quarkus.kafka-events.delivery}) or for any
     * event type ({@code quarkus.kafka-events.events."<type>".delivery}), in the active profile.
     */
    public static boolean outboxConfigured(Function<String, String> lookup, Iterable<String> names) {
        if ("outbox".equalsIgnoreCase(trim(lookup.apply("quarkus.kafka-events.delivery")))) {
            return true;
        }
        for (Iterator<String> it = names.iterator(); it.hasNext();) {
            String key = it.next();
            if (key.startsWith("%") && key.indexOf('.') > 0) {
                key = key.substring(key.indexOf('.') + 1); // looked up below in the active profile
            }
            if (key.startsWith(EVENTS_PREFIX) && key.endsWith(".delivery")
                    && "outbox".equalsIgnoreCase(trim(lookup.apply(key)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPostgres(String kind) {
        String k = kind.toLowerCase();
        return k.equals("postgresql") || k.equals("postgres") || k.equals("pgsql") || k.equals("pg");
    }

    private static String unquote(String s) {
        return s.length() > 1 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
