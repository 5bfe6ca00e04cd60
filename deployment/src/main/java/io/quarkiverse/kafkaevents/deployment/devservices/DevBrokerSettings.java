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
        boolean classDataSharing) {

    public DevBrokerSettings {
        jvmOptions = List.copyOf(jvmOptions);
        brokerProperties = new TreeMap<>(brokerProperties);
    }
}
