package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Configuration of the short-lived or cached admin clients the extension uses beside SmallRye's own clients.
 */
public final class AdminClients {

    private AdminClients() {
    }

    /**
     * The admin settings of the application's Kafka configuration ({@code default-kafka-broker}: bootstrap servers,
     * security), with a client id and every request bounded by {@code timeout}.
     */
    public static Map<String, Object> config(Map<String, Object> kafkaConfig, String clientId, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, Object> entry : kafkaConfig.entrySet()) {
            if (AdminClientConfig.configNames().contains(entry.getKey())) {
                props.put(entry.getKey(), entry.getValue());
            }
        }
        int millis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
