package io.quarkiverse.kafkaevents.runtime.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.PublishException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The {@link EventPublisher}: serializes the event with the application's {@link ObjectMapper}, writes it as a
 * CloudEvent, and sends it through one SmallRye channel whose records carry their own topic. The channel's producer is
 * configured for ordering and durability by default ({@code acks=all}, idempotence).
 */
@ApplicationScoped
public class KafkaEventPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(KafkaEventPublisher.class);

    /** The outgoing channel every event goes through. */
    public static final String CHANNEL = "kafka-events-publisher";
    /** The channel's configured topic: never written to, since every record names its own. */
    public static final String UNROUTED_TOPIC = "kafka-events-unrouted";

    private final MutinyEmitter<byte[]> emitter;
    private final EventRouting routing;
    private final ObjectMapper mapper;
    private final EventMonitors monitors;
    private final URI source;
    private final Instance<DeferredSends> deferredSends;
    private final Instance<Outbox> outbox;

    @Inject
    public KafkaEventPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) MutinyEmitter<byte[]> emitter,
            EventRouting routing, ObjectMapper mapper, EventMonitors monitors, Instance<DeferredSends> deferredSends,
            Instance<Outbox> outbox) {
        this.deferredSends = deferredSends;
        this.outbox = outbox;
        this.emitter = emitter;
        this.routing = routing;
        this.mapper = mapper;
        this.monitors = monitors;
        this.source = URI.create(routing.source());
    }

    @Override
    public Uni<Void> publish(Object event) {
        return publish(event, EventMetadata.empty());
    }

    @Override
    public Uni<Void> publish(Object event, EventMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        return Uni.createFrom().deferred(() -> send(event, metadata));
    }

    @Override
    public Uni<Void> publishAll(List<?> events) {
        return publishAll(events, EventMetadata.empty());
    }

    @Override
    public Uni<Void> publishAll(List<?> events, EventMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> {
            List<Uni<Void>> sends = new ArrayList<>(events.size());
            for (Object event : events) {
                sends.add(send(event, metadata));
            }
            return Uni.join().all(sends).andCollectFailures().replaceWithVoid()
                    .onFailure().transform(failure -> new PublishException(
                            "Publishing a batch of " + events.size() + " events failed: " + failure.getMessage(), null,
                            null, failure));
        });
    }

    /**
     * Sends an already encoded record (used for dead-letter records, which keep the original key, value and headers).
     * Completes when the broker acknowledged it.
     */
    public Uni<Void> sendRecord(String topic, int partition, String key, byte[] value,
            org.apache.kafka.common.header.Headers headers) {
        return sendRecord(topic, partition, key, value, headers, null);
    }

    /**
     * Sends an already encoded record, continuing the trace of {@code trace} (the parent of the producer span, whose
     * context the connector writes to the {@code traceparent} header), or of the current context when {@code null}.
     * Used for outbox rows, sent after the publishing span ended.
     */
    public Uni<Void> sendRecord(String topic, int partition, String key, byte[] value,
            org.apache.kafka.common.header.Headers headers, Context trace) {
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(topic)
                .withPartition(partition)
                .withKey(key)
                .withHeaders(headers)
                .build();
        Metadata metadata = trace == null ? Metadata.of(kafka) : Metadata.of(kafka, TracingMetadata.withCurrent(trace));
        return emitter.sendMessage(Message.of(value, metadata));
    }

    /**
     * Sends a record written to the outbox earlier (by the fast path or the relay); observed like a publish (metrics,
     * {@code EventMonitor}s) once the broker answered, under the type of its {@code ce_type} header or of its topic,
     * continuing the trace it was published in ({@code trace}, may be {@code null}).
     */
    public Uni<Void> sendStored(String topic, String key, byte[] value, org.apache.kafka.common.header.Headers headers,
            Context trace) {
        Uni<Void> sending = sendRecord(topic, -1, key, value, headers, trace);
        if (!monitors.active()) {
            return sending;
        }
        return notifying(sending, Objects.requireNonNullElse(routing.typeOf(topic, headers), "unknown"), topic);
    }

    private Uni<Void> send(Object event, EventMetadata metadata) {
        if (event == null) {
            return Uni.createFrom().failure(new PublishException("Cannot publish null", null, null, null));
        }
        EventRouting.Route route = routing.route(event);
        String className = event.getClass().getName();
        if (route == null) {
            return Uni.createFrom().failure(new PublishException(className
                    + " is not an event type: annotate it with @io.quarkiverse.kafkaevents.EventTopic", className, null,
                    null));
        }
        String topic = route.topic();
        Message<byte[]> message;
        ProducerRecord<String, byte[]> record;
        String id = UUID.randomUUID().toString();
        try {
            String key = metadata.key() != null ? metadata.key() : route.key(event);
            byte[] json = mapper.writeValueAsBytes(event);
            record = EventRecords.record(route.format(), topic, key, route.info().getType(), source, json, metadata, id);
            // one Metadata and one Message per record: each addMetadata(...) would copy both (seen in JFR allocation
            // profiles of the publish benchmark, docs/modules/ROOT/pages/benchmarks.adoc)
            message = Message.of(record.value(), Metadata.of(OutgoingKafkaRecordMetadata.<String> builder()
                    .withTopic(topic)
                    .withKey(key)
                    .withHeaders(record.headers())
                    .build(),
                    // the producer span (and the traceparent header) continue the trace of the caller
                    TracingMetadata.withCurrent(Context.current())));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new PublishException("Could not serialize " + className
                    + " to JSON for topic " + topic + ": " + e.getOriginalMessage(), className, topic, e));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new PublishException("Could not publish " + className + " to topic "
                    + topic + ": " + e.getMessage(), className, topic, e));
        }
        if (route.delivery() == KafkaEventsConfig.Delivery.OUTBOX) {
            ProducerRecord<String, byte[]> row = record;
            return Uni.createFrom().<Void> item(() -> {
                outbox.get().write(id, row);
                return null;
            }).onFailure().transform(failure -> new PublishException("Could not write " + className
                    + " to the outbox: " + failure.getMessage(), className, topic, failure));
        }
        Message<byte[]> outgoing = message;
        if (route.delivery() == KafkaEventsConfig.Delivery.AFTER_COMMIT) {
            try {
                if (deferredSends.get().afterCommit(() -> sendHeld(outgoing, route, className))) {
                    return Uni.createFrom().voidItem();
                }
            } catch (IllegalStateException e) {
                return Uni.createFrom().failure(new PublishException("Could not hold " + className
                        + " until the transaction commits: " + e.getMessage(), className, topic, e));
            }
        }
        return observed(emitter.sendMessage(message), route, className);
    }

    /** Sends an event held until its transaction committed: nobody waits for it any more, so failures are logged. */
    private void sendHeld(Message<byte[]> message, EventRouting.Route route, String className) {
        observed(emitter.sendMessage(message), route, className).subscribe().with(ignored -> {
        }, failure -> LOG.errorf(failure, "An event of type %s held until its transaction committed could not be sent to"
                + " topic %s; it is lost (after-commit delivery is not durable)", route.info().getType(), route.topic()));
    }

    private Uni<Void> observed(Uni<Void> sending, EventRouting.Route route, String className) {
        String topic = route.topic();
        Uni<Void> sent = sending
                .onFailure().transform(failure -> new PublishException("The broker did not acknowledge " + className
                        + " on topic " + topic + ": " + failure.getMessage(), className, topic, failure));
        if (!monitors.active()) {
            return sent;
        }
        return notifying(sent, route.info().getType(), topic);
    }

    private Uni<Void> notifying(Uni<Void> sending, String type, String topic) {
        long start = System.nanoTime();
        return sending.onItemOrFailure().invoke((ignored, failure) -> monitors.notify(EventMonitors.Kind.PUBLISHED,
                new EventObservation(type, topic, -1, -1, null, null, 0, Duration.ofNanos(System.nanoTime() - start),
                        failure)));
    }
}
