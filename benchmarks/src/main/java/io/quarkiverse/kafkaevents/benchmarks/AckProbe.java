package io.quarkiverse.kafkaevents.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A producer interceptor on the extension's {@code kafka-events-publisher} channel ({@code application.properties}):
 * tells the outbox latency contestant when the broker acknowledged one of its records, which the outbox sends on its
 * own after the commit (nobody else sees that acknowledgement). Records are recognized by a {@value #HEADER} header
 * (the event's key) that only that contestant adds. Idle, it costs one volatile read per acknowledged record.
 * <p>
 * Kafka creates the interceptor from its class name, so the contestant is reached through a static field.
 */
public class AckProbe implements ProducerInterceptor<Object, Object> {

    /** The header carrying the key of a record whose acknowledgement is reported. */
    public static final String HEADER = "bench-ack-key";

    private static volatile Consumer<String> listener;

    /** Reports acknowledgements of records with the {@value #HEADER} header to {@code to}; {@code null} stops. */
    public static void listen(Consumer<String> to) {
        listener = to;
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        Consumer<String> current = listener;
        if (current == null || exception != null || headers == null) {
            return;
        }
        Header key = headers.lastHeader(HEADER);
        if (key != null) {
            current.accept(new String(key.value(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
