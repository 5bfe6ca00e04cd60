package io.quarkiverse.kafkaevents.benchmarks.latency;

import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.LatencyRecorder;
import io.quarkiverse.kafkaevents.benchmarks.RawConsumerLoop;
import io.quarkiverse.kafkaevents.benchmarks.RawKafka;

/** Raw {@code KafkaProducer} to raw {@code KafkaConsumer} poll loop, on a topic of their own. */
public final class RawLatencyContestant implements LatencyContestant, AutoCloseable {

    private final RawKafka kafka;
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final LatencyRecorder recorder = new LatencyRecorder();
    private final LatencyRecorder acknowledgements = new LatencyRecorder();
    private final RawConsumerLoop consumer;
    private final LongAdder failures = new LongAdder();

    public RawLatencyContestant(RawKafka kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        this.producer = kafka.newProducer();
        this.consumer = new RawConsumerLoop(kafka, topic, "bench-raw-latency", recorder::record);
        consumer.start();
    }

    @Override
    public String name() {
        return "raw KafkaProducer -> KafkaConsumer";
    }

    @Override
    public void send(long sentAt) {
        producer.send(kafka.record(topic, "RawEvent", Events.next(RawEvent::new, sentAt)), (metadata, failure) -> {
            if (failure == null) {
                acknowledgements.record(sentAt);
            } else {
                failures.increment();
            }
        });
    }

    @Override
    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public LatencyRecorder acknowledgements() {
        return acknowledgements;
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.close();
        producer.close();
    }
}
