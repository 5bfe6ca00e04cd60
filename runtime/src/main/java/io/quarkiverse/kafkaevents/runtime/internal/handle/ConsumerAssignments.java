package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions each handler consumer holds, as its rebalance listener was told (on the consumer's polling thread):
 * health probes read them from here instead of asking each consumer (which answers only between two polls, and not
 * at all while a revocation waits for running handler calls).
 */
@ApplicationScoped
public class ConsumerAssignments {

    /** Keyed by the Kafka consumer itself (identity: consumers do not override equals). */
    private final Map<Consumer<?, ?>, Set<TopicPartition>> assigned = new ConcurrentHashMap<>();

    void added(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.computeIfAbsent(consumer, c -> ConcurrentHashMap.newKeySet()).addAll(partitions);
    }

    void removed(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> held = assigned.get(consumer);
        if (held != null) {
            held.removeAll(partitions);
        }
    }

    /** How many partitions the consumer holds (0 before its first assignment). */
    public int count(Consumer<?, ?> consumer) {
        Set<TopicPartition> held = assigned.get(consumer);
        return held == null ? 0 : held.size();
    }

    /** Whether the consumer has been through at least one assignment. */
    public boolean seen(Consumer<?, ?> consumer) {
        return assigned.containsKey(consumer);
    }
}
