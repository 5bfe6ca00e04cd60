package io.quarkiverse.kafkaevents.runtime.internal.failure.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.failure.DeadLetters;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.Replays;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Reads a dead-letter topic with a short-lived consumer (no group, nothing committed) and re-publishes the selected
 * records through the publisher's producer.
 */
@ApplicationScoped
public class KafkaDeadLetterReplayer implements DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(KafkaDeadLetterReplayer.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafkaConfig;
    private final HandlerDispatcher dispatcher;
    private final KafkaEventPublisher publisher;

    KafkaDeadLetterReplayer(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            HandlerDispatcher dispatcher, KafkaEventPublisher publisher) {
        this.kafkaConfig = kafkaConfig;
        this.dispatcher = dispatcher;
        this.publisher = publisher;
    }

    @Override
    public Uni<Integer> replay(String topic, Instant from, Instant to, int max) {
        return replayOf(topic, null, from, to, max);
    }

    @Override
    public Uni<Integer> replay(String topic, String group, Instant from, Instant to, int max) {
        if (group == null || group.isBlank()) {
            return Uni.createFrom().failure(new IllegalArgumentException("No consumer group given to replay "
                    + topic + "'s dead letters for"));
        }
        return replayOf(topic, group, from, to, max);
    }

    private Uni<Integer> replayOf(String topic, String group, Instant from, Instant to, int max) {
        String deadLetterTopic = dispatcher.deadLetterTopic(topic);
        if (deadLetterTopic == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "Dead-letter topics are disabled (quarkus.kafka-events.failure.dead-letter.enabled=false)"));
        }
        return Uni.createFrom().item(() -> read(deadLetterTopic, group, from, to, max))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(records -> {
                    List<Uni<Void>> sends = new ArrayList<>(records.size());
                    String now = Instant.now().toString();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        sends.add(republish(topic, record, now));
                    }
                    if (sends.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Uni.join().all(sends).andFailFast().map(done -> {
                        LOG.infof("Replayed %d record(s) from %s to %s%s", done.size(), deadLetterTopic, topic,
                                group == null ? ", each for the group that dead-lettered it" : " for group " + group);
                        return done.size();
                    });
                });
    }

    /** Re-publishes one dead-letter record to its original topic (also {@link DeadLetterRecordReplayer}'s). */
    Uni<Void> republish(String topic, ConsumerRecord<String, byte[]> record, String now) {
        Headers headers = new RecordHeaders();
        String original = topic;
        String group = null;
        for (Header header : record.headers()) {
            if (header.key().equals(DeadLetters.ORIGINAL_TOPIC) && header.value() != null) {
                original = new String(header.value(), StandardCharsets.UTF_8);
            } else if (header.key().equals(DeadLetters.GROUP) && header.value() != null) {
                group = new String(header.value(), StandardCharsets.UTF_8);
            } else if (!header.key().startsWith(DeadLetters.PREFIX) && !header.key().startsWith(Replays.PREFIX)) {
                headers.add(header);
            }
        }
        DeadLetters.add(headers, Replays.TIME, now);
        DeadLetters.add(headers, Replays.SOURCE, record.topic() + "-" + record.partition() + "@" + record.offset());
        if (group != null) {
            DeadLetters.add(headers, Replays.GROUP, group);
        }
        return publisher.sendRecord(original, record.partition(), record.key(), record.value(), headers);
    }

    /** Whether the dead-letter record was written by {@code group} (any group when {@code null}). */
    private static boolean from(ConsumerRecord<String, byte[]> record, String group) {
        if (group == null) {
            return true;
        }
        Header written = record.headers().lastHeader(DeadLetters.GROUP);
        return written != null && written.value() != null
                && group.equals(new String(written.value(), StandardCharsets.UTF_8));
    }

    private List<ConsumerRecord<String, byte[]>> read(String deadLetterTopic, String group, Instant from, Instant to,
            int max) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(max, 500)));
        List<ConsumerRecord<String, byte[]>> selected = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(deadLetterTopic, READ_TIMEOUT)) {
                partitions.add(new TopicPartition(deadLetterTopic, info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition partition : partitions) {
                start.put(partition, from.toEpochMilli());
            }
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(start, READ_TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            List<TopicPartition> active = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp offset = offsets.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset.offset());
                    active.add(partition);
                } else {
                    // nothing written since 'from'
                    consumer.pause(List.of(partition));
                }
            }
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!active.isEmpty() && selected.size() < max && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (!active.contains(partition)) {
                        continue;
                    }
                    if (record.timestamp() >= to.toEpochMilli()) {
                        active.remove(partition);
                        consumer.pause(List.of(partition));
                        continue;
                    }
                    if (selected.size() < max && from(record, group)) {
                        selected.add(record);
                    }
                }
                for (TopicPartition partition : List.copyOf(active)) {
                    if (consumer.position(partition) >= end.get(partition)) {
                        active.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
            }
        }
        return selected;
    }
}
