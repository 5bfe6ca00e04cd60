package io.quarkiverse.kafkaevents.test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;

/**
 * Writes records as another service (or a broken one) would, to drive the application's handlers: plain JSON,
 * CloudEvents in structured or binary format, or any bytes. Each call returns once the broker acknowledged the record.
 * CloudEvents get a random {@code id}, {@code source} {@code /kafka-events-test} and the current {@code time}.
 */
@Singleton
@Unremovable
public class ForeignRecords {

    /** The {@code source} of the CloudEvents written here. */
    public static final String SOURCE = "/kafka-events-test";
    private static final long SEND_TIMEOUT_MILLIS = 30_000;

    private final Map<String, Object> kafkaConfig;
    private KafkaProducer<String, byte[]> producer;

    ForeignRecords(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.kafkaConfig = kafkaConfig;
    }

    /** The event's JSON alone, no CloudEvents attributes ({@code content-type: application/json}). */
    public RecordMetadata plainJson(String topic, String key, String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", bytes("application/json"));
        return send(new ProducerRecord<>(topic, null, key, bytes(json), headers));
    }

    /** A binary CloudEvent: {@code ce_*} headers, the JSON as value. */
    public RecordMetadata binary(String topic, String key, String type, String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(UUID.randomUUID().toString()));
        headers.add("ce_source", bytes(SOURCE));
        headers.add("ce_type", bytes(type));
        headers.add("ce_time", bytes(now()));
        if (key != null) {
            headers.add("ce_subject", bytes(key));
        }
        headers.add("content-type", bytes("application/json"));
        return send(new ProducerRecord<>(topic, null, key, bytes(json), headers));
    }

    /** A structured CloudEvent: an {@code application/cloudevents+json} envelope with the JSON as {@code data}. */
    public RecordMetadata structured(String topic, String key, String type, String json) {
        String envelope = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"" + SOURCE
                + "\",\"type\":\"" + quote(type) + "\",\"time\":\"" + now() + "\""
                + (key == null ? "" : ",\"subject\":\"" + quote(key) + "\"")
                + ",\"datacontenttype\":\"application/json\",\"data\":" + json + "}";
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));
        return send(new ProducerRecord<>(topic, null, key, bytes(envelope), headers));
    }

    /** Any bytes (garbage included), with a CloudEvents type header when {@code type} is not {@code null}. */
    public RecordMetadata bytes(String topic, String key, String type, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        if (type != null) {
            headers.add("ce_specversion", bytes("1.0"));
            headers.add("ce_id", bytes(UUID.randomUUID().toString()));
            headers.add("ce_source", bytes(SOURCE));
            headers.add("ce_type", bytes(type));
        }
        return send(new ProducerRecord<>(topic, null, key, value, headers));
    }

    /** Any record. */
    public synchronized RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer().send(record).get(SEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Could not write a record to " + record.topic() + ": " + e, e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>();
            for (Map.Entry<String, Object> entry : kafkaConfig.entrySet()) {
                if (ProducerConfig.configNames().contains(entry.getKey())) {
                    config.put(entry.getKey(), entry.getValue());
                }
            }
            config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-events-test-kit-producer");
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).toString();
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
