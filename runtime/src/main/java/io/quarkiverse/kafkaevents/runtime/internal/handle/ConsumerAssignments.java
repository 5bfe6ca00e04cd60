package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions each handler consumer holds, as its rebalance listener was told (on the consumer's polling thread):
 * health probes read them from here instead of asking each consumer (which answers only between two polls, and not
 * at all while a revocation waits for running handler calls), and listeners (the lag gauges) follow them.
 */
@ApplicationScoped
public class ConsumerAssignments {

    /** Told of partitions a consumer of a consumer group gains and loses, on its polling thread. */
    public interface Listener {
        void assigned(String consumerGroup, Collection<TopicPartition> partitions);

        void revoked(String consumerGroup, Collection<TopicPartition> partitions);
    }

    private record Held(String group, Set<TopicPartition> partitions) {
    }

    /** Keyed by the Kafka consumer itself (identity: consumers do not override equals). */
    private final Map<Consumer<?, ?>, Held> assigned = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void added(Consumer<?, ?> consumer, String group, Collection<TopicPartition> partitions) {
        assigned.computeIfAbsent(consumer, c -> new Held(group, ConcurrentHashMap.newKeySet())).partitions()
                .addAll(partitions);
        for (Listener listener : listeners) {
            listener.assigned(group, partitions);
        }
    }

    void removed(Consumer<?, ?> consumer, String group, Collection<TopicPartition> partitions) {
        Held held = assigned.get(consumer);
        if (held != null) {
            held.partitions().removeAll(partitions);
        }
        for (Listener listener : listeners) {
            listener.revoked(group, partitions);
        }
    }

    /** Adds a listener, told at once of the partitions held now. */
    public void listen(Listener listener) {
        listeners.add(listener);
        for (Held held : assigned.values()) {
            listener.assigned(held.group(), List.copyOf(held.partitions()));
        }
    }

    /** How many partitions the consumer holds (0 before its first assignment). */
    public int count(Consumer<?, ?> consumer) {
        Held held = assigned.get(consumer);
        return held == null ? 0 : held.partitions().size();
    }
}
