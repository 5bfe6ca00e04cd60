package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A topic the application needs, as it should be created.
 *
 * @param name the full topic name
 * @param partitions partitions when created (and the minimum accepted by validation)
 * @param replicationFactor replication factor when created; empty for the broker default
 * @param config topic configuration when created
 * @param neededBy who needs it, for messages (for example {@code "event type OrderPlaced"})
 */
public record TopicSpec(String name, int partitions, Optional<Short> replicationFactor, Map<String, String> config,
        String neededBy) {

    public TopicSpec {
        config = new TreeMap<>(config);
    }
}
