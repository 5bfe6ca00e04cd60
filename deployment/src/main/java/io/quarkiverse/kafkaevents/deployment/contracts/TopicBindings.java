package io.quarkiverse.kafkaevents.deployment.contracts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kafka channel binding of a topic in the AsyncAPI document, from the topic provisioning settings the build's
 * profile gives: partitions and replicas ({@code quarkus.kafka-events.topics.partitions} and
 * {@code replication-factor}, per type under {@code events."<type>"}) and the topic configuration the binding knows
 * ({@code cleanup.policy}, {@code retention.ms}, {@code retention.bytes}, {@code delete.retention.ms},
 * {@code max.message.bytes}, from {@code topics.config} and {@code events."<type>".config}).
 *
 * @param partitions the partitions
 * @param replicas the replication factor, empty for the broker's default
 * @param config the topic configuration, empty for the derived topics (dead-letter, retry)
 */
record TopicBindings(int partitions, Optional<Short> replicas, Map<String, String> config) {

    private static final String PREFIX = "quarkus.kafka-events.";
    private static final List<String> NUMBERS = List.of("retention.ms", "retention.bytes", "delete.retention.ms",
            "max.message.bytes");

    /** The binding of an event type's topic, as provisioning would create it. */
    static TopicBindings of(Config config, String type) {
        String typePrefix = PREFIX + "events.\"" + type + "\".";
        int partitions = config.getOptionalValue(typePrefix + "partitions", Integer.class)
                .orElse(config.getOptionalValue(PREFIX + "topics.partitions", Integer.class).orElse(3));
        Optional<Short> replicas = config.getOptionalValue(typePrefix + "replication-factor", Short.class)
                .or(() -> config.getOptionalValue(PREFIX + "topics.replication-factor", Short.class));
        Map<String, String> topicConfig = new TreeMap<>(map(config, PREFIX + "topics.config."));
        topicConfig.putAll(map(config, typePrefix + "config."));
        return new TopicBindings(partitions, replicas, topicConfig);
    }

    /** Of two types on one topic: the most partitions, the first replication factor, both configurations. */
    TopicBindings merge(TopicBindings other) {
        Map<String, String> merged = new TreeMap<>(other.config);
        merged.putAll(config);
        return new TopicBindings(Math.max(partitions, other.partitions), replicas.or(other::replicas), merged);
    }

    /** A dead-letter or retry topic: provisioned with the source topic's partitions and replication. */
    TopicBindings derived() {
        return new TopicBindings(partitions, replicas, Map.of());
    }

    private static Map<String, String> map(Config config, String prefix) {
        Map<String, String> values = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                String key = name.substring(prefix.length());
                String unquoted = key.length() > 1 && key.startsWith("\"") && key.endsWith("\"")
                        ? key.substring(1, key.length() - 1)
                        : key;
                config.getOptionalValue(name, String.class).ifPresent(value -> values.put(unquoted, value));
            }
        }
        return values;
    }

    /** The {@code kafka} channel binding (bindings version 0.5.0). */
    ObjectNode binding(String topic, String bindingVersion) {
        ObjectNode kafka = JsonNodeFactory.instance.objectNode();
        kafka.put("topic", topic);
        kafka.put("partitions", partitions);
        replicas.ifPresent(r -> kafka.put("replicas", r.intValue()));
        ObjectNode topicConfiguration = JsonNodeFactory.instance.objectNode();
        String policy = config.get("cleanup.policy");
        if (policy != null) {
            ArrayNode policies = topicConfiguration.putArray("cleanup.policy");
            for (String one : policy.split(",")) {
                if (!one.isBlank()) {
                    policies.add(one.trim());
                }
            }
        }
        for (String key : NUMBERS) {
            String value = config.get(key);
            if (value != null) {
                try {
                    topicConfiguration.put(key, Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    // the broker refuses it at provisioning, naming the setting; the document leaves it out
                }
            }
        }
        if (!topicConfiguration.isEmpty()) {
            kafka.set("topicConfiguration", topicConfiguration);
        }
        kafka.put("bindingVersion", bindingVersion);
        return kafka;
    }
}
