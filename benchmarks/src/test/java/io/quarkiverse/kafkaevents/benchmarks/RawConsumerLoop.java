package io.quarkiverse.kafkaevents.benchmarks;

import java.time.Duration;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;

/**
 * A raw {@link KafkaConsumer} poll loop on its own thread: deserializes each record's JSON by hand and hands it to the
 * sink, commits asynchronously after each non-empty poll
 * (and synchronously before going idle). All partitions of the topic are assigned up front (no group
 * rebalancing to wait for); it polls only between {@link #start()} and {@link #stop()}.
 */
public final class RawConsumerLoop implements AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final RawKafka kafka;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<RawEvent> sink;
    private final Thread thread;
    private boolean running;
    private boolean polling;
    private boolean closed;

    public RawConsumerLoop(RawKafka kafka, String topic, String group, Consumer<RawEvent> sink) {
        this.kafka = kafka;
        this.sink = sink;
        this.consumer = kafka.newConsumer(group);
        consumer.assign(consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList());
        this.thread = new Thread(this::loop, "raw-consumer-" + group);
        thread.start();
    }

    /** Starts (or resumes) polling. */
    public synchronized void start() {
        running = true;
        notifyAll();
    }

    /** Stops polling; returns once the current poll has finished. */
    public synchronized void stop() throws InterruptedException {
        running = false;
        while (polling) {
            wait();
        }
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.join();
    }

    private void loop() {
        try {
            while (awaitRunning()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<String, byte[]> record : records) {
                    sink.accept(kafka.read(record.value()));
                }
                if (!records.isEmpty()) {
                    consumer.commitAsync();
                }
                if (stopping()) {
                    // responses are only read while polling: settle the commits before going idle, or they time out
                    consumer.commitSync();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    private synchronized boolean stopping() {
        return !running;
    }

    /** Waits until polling is allowed; {@code false} once closed. */
    private synchronized boolean awaitRunning() throws InterruptedException {
        polling = false;
        notifyAll();
        while (!running && !closed) {
            wait();
        }
        polling = !closed;
        return !closed;
    }
}
