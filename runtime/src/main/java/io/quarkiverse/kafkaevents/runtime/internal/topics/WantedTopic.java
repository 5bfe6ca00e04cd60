package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/** A topic after merging every spec that names it. */
record WantedTopic(String name, int partitions, Optional<Short> replicationFactor, Map<String, String> config,
        String neededBy) {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    static WantedTopic of(String name, List<TopicSpec> specs) {
        int partitions = specs.stream().mapToInt(TopicSpec::partitions).max().orElseThrow();
        Optional<Short> replicationFactor = specs.stream()
                .map(TopicSpec::replicationFactor)
                .flatMap(Optional::stream)
                .max(Short::compare);
        boolean partitionsDiffer = specs.stream().anyMatch(spec -> spec.partitions() != partitions);
        String neededBy = specs.stream()
                .map(spec -> partitionsDiffer ? spec.neededBy() + " (" + spec.partitions() + " partitions)"
                        : spec.neededBy())
                .distinct()
                .collect(Collectors.joining(", "));
        Map<String, String> config = new TreeMap<>();
        for (TopicSpec spec : specs) {
            spec.config().forEach((key, value) -> {
                String kept = config.putIfAbsent(key, value);
                if (kept != null && !kept.equals(value)) {
                    LOG.warnf("Kafka topic '%s' is configured with %s=%s and %s=%s (needed by %s);"
                            + " using %s", name, key, kept, key, value, neededBy, kept);
                }
            });
        }
        return new WantedTopic(name, partitions, replicationFactor, config, neededBy);
    }
}
