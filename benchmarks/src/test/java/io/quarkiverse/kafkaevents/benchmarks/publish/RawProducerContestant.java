package io.quarkiverse.kafkaevents.benchmarks.publish;

import org.apache.kafka.clients.producer.KafkaProducer;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.RawKafka;

/** The baseline: {@code KafkaProducer.send} with a callback; JSON and CloudEvents headers made by hand. */
public final class RawProducerContestant implements PublishContestant, AutoCloseable {

    private final RawKafka kafka;
    private final KafkaProducer<String, byte[]> producer;

    public RawProducerContestant(RawKafka kafka) {
        this.kafka = kafka;
        this.producer = kafka.newProducer();
    }

    @Override
    public String name() {
        return "raw KafkaProducer";
    }

    @Override
    public void publish(PublishTarget target, int count, Window window) {
        for (int i = 0; i < count; i++) {
            window.acquire(1);
            producer.send(kafka.record(target.topic, "RawEvent", Events.next(RawEvent::new)), (metadata, failure) -> {
                if (failure == null) {
                    window.acknowledged(1);
                } else {
                    window.failed(1, failure);
                }
            });
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
