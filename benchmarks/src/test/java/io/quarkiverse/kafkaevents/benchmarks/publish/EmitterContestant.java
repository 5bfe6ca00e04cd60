package io.quarkiverse.kafkaevents.benchmarks.publish;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.RawKafka;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Plain SmallRye: a {@link MutinyEmitter} on a hand-configured channel, with the same JSON and headers as the raw
 * producer, the topic and key in {@link OutgoingKafkaRecordMetadata} (as the extension does).
 */
public final class EmitterContestant implements PublishContestant {

    private final RawKafka kafka;
    private final MutinyEmitter<byte[]> emitter;

    public EmitterContestant(RawKafka kafka, MutinyEmitter<byte[]> emitter) {
        this.kafka = kafka;
        this.emitter = emitter;
    }

    @Override
    public String name() {
        return "SmallRye MutinyEmitter";
    }

    @Override
    public void publish(PublishTarget target, int count, Window window) {
        for (int i = 0; i < count; i++) {
            window.acquire(1);
            RawEvent event = Events.next(RawEvent::new);
            Message<byte[]> message = Message.of(kafka.json(event))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String> builder()
                            .withTopic(target.topic)
                            .withKey(event.id)
                            .withHeaders(RawKafka.cloudEventHeaders("RawEvent", event.id))
                            .build());
            emitter.sendMessage(message).subscribe().with(ignored -> window.acknowledged(1),
                    failure -> window.failed(1, failure));
        }
    }
}
