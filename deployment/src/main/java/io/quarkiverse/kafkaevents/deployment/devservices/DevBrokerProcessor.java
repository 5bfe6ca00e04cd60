package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.deployment.KafkaEventsBuildTimeConfig;
import io.quarkiverse.kafkaevents.deployment.KafkaEventsProcessor;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.bootstrap.model.ApplicationModel;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import io.quarkus.deployment.pkg.builditem.CurateOutcomeBuildItem;
import io.quarkus.maven.dependency.ResolvedDependency;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Starts the dev broker in dev and test mode when no Kafka cluster is configured, and hands its address to the
 * application as {@code kafka.bootstrap.servers}.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
public class DevBrokerProcessor {

    private static final Logger LOG = Logger.getLogger(DevBrokerProcessor.class);

    static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    static final String SERVICE_NAME = "kafka-events-dev-broker";
    /** Kafka release used when the application model carries no kafka-clients (it always should). */
    static final String FALLBACK_KAFKA_VERSION = "4.1.1";

    @BuildStep
    DevServicesResultBuildItem startDevBroker(KafkaEventsBuildTimeConfig config, CurateOutcomeBuildItem curateOutcome) {
        DevBrokerConfig devBroker = config.devservices();
        if (devBroker.provider() == DevBrokerConfig.Provider.CONTAINER) {
            LOG.debug("Not starting the Kafka Events dev broker: quarkus.kafka-events.devservices.provider=container");
            return null;
        }
        if (!devBroker.enabled().orElse(true)) {
            LOG.debug("Not starting the Kafka Events dev broker: it is disabled");
            return null;
        }
        if (ConfigUtils.isPropertyNonEmpty(BOOTSTRAP_SERVERS)) {
            LOG.debugf("Not starting the Kafka Events dev broker: %s is configured", BOOTSTRAP_SERVERS);
            return null;
        }
        DevBrokerSettings settings = settings(devBroker, curateOutcome.getApplicationModel());
        Path cacheDir = cacheDir(settings.kafkaVersion());
        return DevServicesResultBuildItem.<DevBroker> owned()
                .feature(KafkaEventsProcessor.FEATURE)
                .serviceName(SERVICE_NAME)
                .description("Apache Kafka " + settings.kafkaVersion() + (settings.nodes() == 1
                        ? " broker (KRaft, single node, separate JVM)"
                        : " cluster (KRaft, " + settings.nodes() + " nodes, one JVM each)"))
                .serviceConfig(settings)
                .startable(() -> new DevBroker(settings, cacheDir))
                .postStartHook(broker -> logStarted(broker, settings))
                .configProvider(config(settings))
                .build();
    }

    /** What the application gets: the bootstrap servers, the broker's directory, and its security settings. */
    private static Map<String, Function<DevBroker, String>> config(DevBrokerSettings settings) {
        Map<String, Function<DevBroker, String>> config = new HashMap<>();
        config.put(BOOTSTRAP_SERVERS, DevBroker::getConnectionInfo);
        config.put(DevBrokerCluster.DIR_PROPERTY, broker -> broker.workDir().toString());
        if (settings.saslSsl()) {
            for (String key : List.of("kafka.security.protocol", "kafka.sasl.mechanism", "kafka.sasl.jaas.config",
                    "kafka.ssl.truststore.type", "kafka.ssl.truststore.location", "kafka.ssl.truststore.password")) {
                config.put(key, broker -> broker.clientSecurity().get(key));
            }
        }
        return config;
    }

    private static void logStarted(DevBroker broker, DevBrokerSettings settings) {
        if (broker.adopted()) {
            LOG.debugf("Reusing the Kafka Events dev broker at %s (pid %d)", broker.getConnectionInfo(), broker.pid());
            return;
        }
        if (settings.nodes() > 1) {
            LOG.infof("Kafka Events dev broker cluster (Apache Kafka %s, %d nodes) ready at %s in %d ms (%s)."
                    + " Applications started elsewhere can use it with -D%s=%s", settings.kafkaVersion(),
                    settings.nodes(), broker.getConnectionInfo(), broker.readyMillis(), broker.workDir(),
                    BOOTSTRAP_SERVERS, broker.getConnectionInfo());
            return;
        }
        LOG.infof("Kafka Events dev broker (Apache Kafka %s) ready at %s in %d ms (pid %d). Applications started"
                + " elsewhere can use it with -D%s=%s", settings.kafkaVersion(), broker.getConnectionInfo(),
                broker.readyMillis(), broker.pid(), BOOTSTRAP_SERVERS, broker.getConnectionInfo());
    }

    static DevBrokerSettings settings(DevBrokerConfig config, ApplicationModel model) {
        String kafkaVersion = config.kafkaVersion().orElseGet(() -> kafkaClientsVersion(model));
        List<String> jvmOptions = config.jvmOptions()
                .map(options -> Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        String heap = config.heap().orElse(config.nodes() == 1 ? "128m" : "256m");
        return new DevBrokerSettings(kafkaVersion, config.port(), heap, jvmOptions,
                config.javaBinary().orElse(null), config.brokerProperties(), config.partitions(), config.logLevel(),
                config.startTimeout(), config.classDataSharing(), config.nodes(),
                config.security() == DevBrokerConfig.Security.SASL_SSL);
    }

    private static String kafkaClientsVersion(ApplicationModel model) {
        for (ResolvedDependency dependency : model.getDependencies()) {
            if ("org.apache.kafka".equals(dependency.getGroupId())
                    && "kafka-clients".equals(dependency.getArtifactId())) {
                return dependency.getVersion();
            }
        }
        return FALLBACK_KAFKA_VERSION;
    }

    /**
     * Launcher jar, resolved class path and class data sharing archives outlive a single build, so they are kept in
     * the temporary directory of the user, per Kafka version.
     */
    private static Path cacheDir(String kafkaVersion) {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "quarkus-kafka-events-" + System.getProperty("user.name", "user"), "dev-broker-" + kafkaVersion);
    }
}
