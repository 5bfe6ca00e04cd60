package io.quarkiverse.kafkaevents.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;

/**
 * Everything the "by hand" contestants share: Kafka client settings (the same producer settings as the SmallRye and
 * extension channels), JSON with a plain Jackson {@link ObjectMapper}, and CloudEvents binary-mode headers written by
 * hand ({@code ce_*} and {@code content-type}, as the extension writes them).
 */
public final class RawKafka {

    private static final byte[] SPEC_VERSION = utf8("1.0");
    private static final byte[] SOURCE = utf8(URI.create("/kafka-events-benchmarks").toString());
    private static final byte[] JSON = utf8("application/json");

    private final String bootstrapServers;
    private final int batchSize;
    private final int lingerMs;
    private final ObjectMapper mapper = new ObjectMapper();

    public RawKafka(String bootstrapServers, int batchSize, int lingerMs) {
        this.bootstrapServers = bootstrapServers;
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public KafkaProducer<String, byte[]> newProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return new KafkaProducer<>(props);
    }

    public KafkaConsumer<String, byte[]> newConsumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props);
    }

    public byte[] json(BenchEvent event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawEvent read(byte[] json) {
        try {
            return mapper.readValue(json, RawEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CloudEvents 1.0 binary mode: attributes in {@code ce_*} headers, a new id and the current time per event. */
    public static Headers cloudEventHeaders(String type, String key) {
        Headers headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", utf8(UUID.randomUUID().toString()));
        headers.add("ce_source", SOURCE);
        headers.add("ce_type", utf8(type));
        headers.add("ce_time", utf8(OffsetDateTime.now(ZoneOffset.UTC).toString()));
        headers.add("ce_subject", utf8(key));
        headers.add("content-type", JSON);
        return headers;
    }

    /** A CloudEvents binary-mode record of the event, keyed by its id. */
    public ProducerRecord<String, byte[]> record(String topic, String type, BenchEvent event) {
        return new ProducerRecord<>(topic, null, event.id, json(event), cloudEventHeaders(type, event.id));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
