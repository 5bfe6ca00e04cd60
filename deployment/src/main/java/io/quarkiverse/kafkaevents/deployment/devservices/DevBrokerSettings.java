package io.quarkiverse.kafkaevents.deployment.devservices;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Everything that decides how the dev broker is launched. Two builds with equal settings share one running broker
 * (Quarkus compares them to decide whether a running Dev Service can be reused).
 */
public record DevBrokerSettings(
        String kafkaVersion,
        OptionalInt port,
        String heap,
        List<String> jvmOptions,
        String javaBinary,
        Map<String, String> brokerProperties,
        int partitions,
        String logLevel,
        Duration startTimeout,
        boolean classDataSharing,
        int nodes,
        boolean saslSsl) {

    public DevBrokerSettings {
        jvmOptions = List.copyOf(jvmOptions);
        brokerProperties = new TreeMap<>(brokerProperties);
        if (nodes < 1) {
            throw new IllegalArgumentException("quarkus.kafka-events.devservices.nodes must be 1 or more, not " + nodes);
        }
    }

    /** A single broker. */
    public DevBrokerSettings(String kafkaVersion, OptionalInt port, String heap, List<String> jvmOptions,
            String javaBinary, Map<String, String> brokerProperties, int partitions, String logLevel,
            Duration startTimeout, boolean classDataSharing) {
        this(kafkaVersion, port, heap, jvmOptions, javaBinary, brokerProperties, partitions, logLevel, startTimeout,
                classDataSharing, 1, false);
    }

    /** The same settings, with SCRAM-over-TLS client connections or without. */
    public DevBrokerSettings withSaslSsl(boolean enabled) {
        return new DevBrokerSettings(kafkaVersion, port, heap, jvmOptions, javaBinary, brokerProperties, partitions,
                logLevel, startTimeout, classDataSharing, nodes, enabled);
    }

    /** The same settings with another number of nodes. */
    public DevBrokerSettings withNodes(int count) {
        return new DevBrokerSettings(kafkaVersion, port, heap, jvmOptions, javaBinary, brokerProperties, partitions,
                logLevel, startTimeout, classDataSharing, count, saslSsl);
    }
}
