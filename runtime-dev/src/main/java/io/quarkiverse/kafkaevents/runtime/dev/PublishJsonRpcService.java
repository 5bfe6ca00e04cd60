package io.quarkiverse.kafkaevents.runtime.dev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The Dev UI's back end for publishing an event by hand (a JSON-RPC provider in dev mode only): the JSON is checked
 * against the type's build-time schema, turned into the event class and published through the application's
 * {@link EventPublisher} (which validates again, as for any publish); the published record is then found on its topic
 * to report its CloudEvents id, partition and offset.
 */
public class PublishJsonRpcService {

    /** Header marking the record published from the Dev UI, to find it on the topic afterwards. */
    static final String MARKER = "kafka-events-dev-ui-publish";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Records read from the end of each partition to find the published one. */
    private static final int TAIL = 50;

    private final EventRouting routing;
    private final EventPublisher publisher;
    private final Map<String, Object> kafkaConfig;
    private final ObjectMapper json;

    PublishJsonRpcService(EventRouting routing, EventPublisher publisher,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, ObjectMapper json) {
        this.routing = routing;
        this.publisher = publisher;
        this.kafkaConfig = kafkaConfig;
        this.json = json;
    }

    /**
     * Publishes the event of type {@code type} (CloudEvents type; {@code className} picks the class when several share
     * it) given as {@code event}, a JSON object. Fails naming the type when the JSON does not match its schema or its
     * class, or when the publish fails. Returns {@code id}, {@code topic}, {@code partition} and {@code offset} of the
     * published record ({@code null} when the delivery is not immediate: after-commit and outbox events are sent
     * later), and {@code delivery}.
     */
    public Uni<Map<String, Object>> publish(String type, String className, String event) {
        EventRouting.Route route = route(type, className);
        if (route == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("Unknown event type '" + type + "'"
                    + (className == null ? "" : " of class " + className)));
        }
        Object value;
        try {
            byte[] bytes = (event == null ? "" : event).getBytes(StandardCharsets.UTF_8);
            // the same schema check as before any publish, on the JSON as given
            route.checked(bytes);
            Class<?> eventClass = Class.forName(route.info().getClassName(), false,
                    Thread.currentThread().getContextClassLoader());
            value = json.readValue(bytes, eventClass);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("Not a valid " + type + " event: "
                    + e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(e);
        } catch (Exception e) {
            return Uni.createFrom().failure(new IllegalStateException("Could not read a " + type + " event: " + e, e));
        }
        String marker = UUID.randomUUID().toString();
        String delivery = route.delivery().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return publisher.publish(value, EventMetadata.builder().header(MARKER, marker).build())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(done -> {
                    Map<String, Object> result = "immediate".equals(delivery) ? find(route.topic(), marker)
                            : new LinkedHashMap<>();
                    result.put("topic", route.topic());
                    result.put("delivery", delivery);
                    return result;
                });
    }

    /** The CloudEvents id: its header in binary format, its attribute in the JSON of structured format. */
    private String id(ConsumerRecord<byte[], byte[]> record) {
        Header id = record.headers().lastHeader("ce_id");
        if (id != null) {
            return new String(id.value(), StandardCharsets.UTF_8);
        }
        try {
            return json.readTree(record.value()).path("id").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private EventRouting.Route route(String type, String className) {
        for (EventRouting.Route route : routing.routes()) {
            if (route.info().getType().equals(type)
                    && (className == null || className.isEmpty() || route.info().getClassName().equals(className))) {
                return route;
            }
        }
        return null;
    }

    /** The id, partition and offset of the record carrying {@code marker}, read from the end of the topic. */
    private Map<String, Object> find(String topic, String marker) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-events-dev-ui-publish");
        Map<String, Object> found = new LinkedHashMap<>();
        found.put("id", null);
        found.put("partition", null);
        found.put("offset", null);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(begin.get(partition), end.get(partition) - TAIL));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header header = record.headers().lastHeader(MARKER);
                    if (header != null && marker.equals(new String(header.value(), StandardCharsets.UTF_8))) {
                        found.put("id", id(record));
                        found.put("partition", record.partition());
                        found.put("offset", record.offset());
                        return found;
                    }
                }
                boolean atEnd = true;
                for (TopicPartition partition : partitions) {
                    atEnd &= consumer.position(partition) >= end.get(partition);
                }
                if (atEnd) {
                    break;
                }
            }
        }
        return found;
    }
}
