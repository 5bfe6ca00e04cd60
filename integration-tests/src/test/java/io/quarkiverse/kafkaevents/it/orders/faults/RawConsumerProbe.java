package io.quarkiverse.kafkaevents.it.orders.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain {@link KafkaConsumer} beside the instance under test, in a consumer group of its own, with the Kafka
 * client's defaults: what the same fault costs a consumer without the extension, in the same run. Notes when each of
 * the run's records arrives, per partition.
 */
final class RawConsumerProbe implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<Integer, List<Long>> arrivals = new ConcurrentHashMap<>();
    private volatile boolean stop;

    /** Starts reading the orders topic in {@code group} (whose offsets the caller set), keeping the run's records. */
    RawConsumerProbe(String group, String run) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, FaultSupport.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(FaultSupport.TOPIC));
        thread = new Thread(() -> {
            try {
                while (!stop) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.key() != null && record.key().startsWith(run + "-")) {
                            arrivals.computeIfAbsent(record.partition(), p -> new CopyOnWriteArrayList<>())
                                    .add(System.currentTimeMillis());
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }, "raw-consumer-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** How many of the run's records arrived. */
    int received() {
        return arrivals.values().stream().mapToInt(List::size).sum();
    }

    /** Longest time, per partition, between two records arriving, within the window; in ms. */
    long longestPause(long from, long to) {
        long longest = 0;
        for (List<Long> times : arrivals.values()) {
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(null);
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) >= from && sorted.get(i - 1) <= to) {
                    longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
                }
            }
        }
        return longest;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
