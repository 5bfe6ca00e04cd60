package io.quarkiverse.kafkaevents.runtime.internal.failure.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Replays one dead-lettered record, picked by its partition and offset in the dead-letter topic (the Dev UI's
 * per-record replay), the way {@link KafkaDeadLetterReplayer} replays a time window: same key, value and headers, for
 * the group that dead-lettered it. A bean in dev mode only: registered by the Dev UI's build step.
 */
@ApplicationScoped
public class DeadLetterRecordReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecordReplayer.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> kafkaConfig;
    private final HandlerDispatcher dispatcher;
    private final KafkaDeadLetterReplayer replayer;

    DeadLetterRecordReplayer(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            HandlerDispatcher dispatcher, KafkaDeadLetterReplayer replayer) {
        this.kafkaConfig = kafkaConfig;
        this.dispatcher = dispatcher;
        this.replayer = replayer;
    }

    /**
     * Replays the record at {@code offset} of {@code partition} of {@code topic}'s dead-letter topic to {@code topic}.
     * Fails naming the record when it does not exist (never written, or deleted by retention).
     *
     * @return the CloudEvents id of the replayed record ({@code null} when it has none), once the broker acknowledged it
     */
    public Uni<String> replay(String topic, int partition, long offset) {
        String deadLetterTopic = dispatcher.deadLetterTopic(topic);
        if (deadLetterTopic == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "Dead-letter topics are disabled (quarkus.kafka-events.failure.dead-letter.enabled=false)"));
        }
        return Uni.createFrom().item(() -> read(deadLetterTopic, partition, offset))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(record -> replayer.republish(topic, record, Instant.now().toString())
                        .invoke(() -> LOG.infof("Replayed %s-%d@%d to %s", deadLetterTopic, partition, offset, topic))
                        .map(done -> {
                            Header id = record.headers().lastHeader("ce_id");
                            return id == null ? null : new String(id.value(), StandardCharsets.UTF_8);
                        }));
    }

    private ConsumerRecord<String, byte[]> read(String deadLetterTopic, int partition, long offset) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        TopicPartition tp = new TopicPartition(deadLetterTopic, partition);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), READ_TIMEOUT).get(tp);
            long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
            if (offset < begin || offset >= end) {
                throw new IllegalArgumentException("No dead-letter record at offset " + offset + " of " + tp
                        + ": its records run from offset " + begin + " to " + (end - 1));
            }
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() == offset) {
                        return record;
                    }
                    throw new IllegalArgumentException("No dead-letter record at offset " + offset + " of " + tp
                            + " (the next one is at offset " + record.offset() + ")");
                }
            }
        }
        throw new IllegalStateException("Could not read offset " + offset + " of " + tp + " within "
                + READ_TIMEOUT.toSeconds() + " s");
    }
}
