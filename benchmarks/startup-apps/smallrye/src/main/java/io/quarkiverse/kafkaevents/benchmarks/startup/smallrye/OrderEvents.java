package io.quarkiverse.kafkaevents.benchmarks.startup.smallrye;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes order events and handles them again through Kafka, with plain SmallRye channels and Jackson by hand. */
@ApplicationScoped
public class OrderEvents {

    /** Sends in flight at once while publishing a burst (the same in the extension contestant). */
    static final int IN_FLIGHT = 256;

    @Inject
    @Channel("orders-out")
    MutinyEmitter<byte[]> emitter;

    @Inject
    ObjectMapper json;

    private final AtomicLong handled = new AtomicLong();

    /** Publishes {@code count} events, one send each; completes when the broker acknowledged them all. */
    Uni<Long> publish(String run, int count) {
        return Multi.createFrom().range(0, count)
                .onItem().transformToUni(i -> send(new OrderPlaced(run + "-" + i, "customer-" + (i % 100), "book",
                        1 + i % 5, new BigDecimal("2.50"))).replaceWith(i))
                .merge(IN_FLIGHT)
                .collect().with(Collectors.counting());
    }

    private Uni<Void> send(OrderPlaced event) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return emitter.sendMessage(Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(event.orderId()).build()));
    }

    long handled() {
        return handled.get();
    }

    /** Blocking (a worker thread), as the extension contestant's handler. */
    @Incoming("orders-in")
    @Blocking
    public void onPlaced(byte[] payload) throws IOException {
        OrderPlaced event = json.readValue(payload, OrderPlaced.class);
        if (event.quantity() > 0) {
            handled.incrementAndGet();
        }
    }
}
