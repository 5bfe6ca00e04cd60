package io.quarkiverse.kafkaevents.runtime.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventStamps;
import io.quarkiverse.kafkaevents.runtime.internal.publish.ProducerSends;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * The {@link EventPublisher}: serializes the event with the application's {@link ObjectMapper}, writes it as a
 * CloudEvent with its type's precomputed {@link io.quarkiverse.kafkaevents.runtime.internal.publish.EventEncoding},
 * and hands it straight to the Kafka producer of one SmallRye channel ({@link ProducerSends}); every record carries its
 * own topic. The channel's producer is configured for ordering and durability by default ({@code acks=all},
 * idempotence).
 */
@ApplicationScoped
public class KafkaEventPublisher implements EventPublisher {

    private static final Logger LOG = Logger.getLogger(KafkaEventPublisher.class);

    /** The outgoing channel whose producer every event goes through. */
    public static final String CHANNEL = "kafka-events-publisher";
    /** The channel's configured topic: never written to, since every record names its own. */
    public static final String UNROUTED_TOPIC = "kafka-events-unrouted";

    private final ProducerSends sends;
    private final EventStamps stamps = new EventStamps();
    private final EventRouting routing;
    private final ObjectMapper mapper;
    private final EventMonitors monitors;
    private final Instance<DeferredSends> deferredSends;
    private final Instance<Outbox> outbox;

    /**
     * @param channel never sent to: injecting it keeps the channel wired, so that SmallRye creates (and reports the
     *        health of) its producer, which {@link ProducerSends} uses directly
     */
    @Inject
    public KafkaEventPublisher(@Channel(CHANNEL) MutinyEmitter<byte[]> channel, KafkaClientService clients,
            Instance<OpenTelemetry> openTelemetry, EventRouting routing, ObjectMapper mapper, EventMonitors monitors,
            Instance<DeferredSends> deferredSends, Instance<Outbox> outbox) {
        this.deferredSends = deferredSends;
        this.outbox = outbox;
        this.routing = routing;
        this.mapper = mapper;
        this.monitors = monitors;
        URI.create(routing.source()); // a CloudEvents source is a URI reference: fails start-up when it is not
        this.sends = new ProducerSends(clients, CHANNEL,
                openTelemetry.isResolvable() ? openTelemetry.get() : null);
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
    public Uni<Void> sendRecord(String topic, int partition, String key, byte[] value, Headers headers) {
        return sendRecord(topic, partition, key, value, headers, null);
    }

    /**
     * Sends an already encoded record, continuing the trace of {@code trace} (the parent of the producer span, whose
     * context goes to the {@code traceparent} header), or of the current context when {@code null}. Used for outbox
     * rows, sent after the publishing span ended.
     */
    public Uni<Void> sendRecord(String topic, int partition, String key, byte[] value, Headers headers, Context trace) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition < 0 ? null : partition, null, key,
                value, headers);
        return sends.send(record, trace).replaceWithVoid();
    }

    /**
     * Sends a record written to the outbox earlier (by the fast path or the relay); observed like a publish (metrics,
     * {@code EventMonitor}s) once the broker answered, under the type of its {@code ce_type} header or of its topic,
     * continuing the trace it was published in ({@code trace}, may be {@code null}).
     */
    public Uni<Void> sendStored(String topic, String key, byte[] value, Headers headers, Context trace) {
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
        ProducerRecord<String, byte[]> record;
        String id = stamps.id();
        try {
            String key = metadata.key() != null ? metadata.key() : route.key(event);
            record = route.encoding().record(key, mapper.writeValueAsBytes(event), metadata, id, stamps.time());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new PublishException("Could not serialize " + className
                    + " to JSON for topic " + topic + ": " + e.getOriginalMessage(), className, topic, e));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(new PublishException("Could not publish " + className + " to topic "
                    + topic + ": " + e.getMessage(), className, topic, e));
        }
        if (route.delivery() == KafkaEventsConfig.Delivery.OUTBOX) {
            return Uni.createFrom().<Void> item(() -> {
                outbox.get().write(id, record);
                return null;
            }).onFailure().transform(failure -> new PublishException("Could not write " + className
                    + " to the outbox: " + failure.getMessage(), className, topic, failure));
        }
        if (route.delivery() == KafkaEventsConfig.Delivery.AFTER_COMMIT) {
            // held with the publishing trace: the send happens after the transaction, outside the caller's span
            Context trace = Context.current();
            try {
                if (deferredSends.get().afterCommit(() -> sendHeld(record, trace, route, className))) {
                    return Uni.createFrom().voidItem();
                }
            } catch (IllegalStateException e) {
                return Uni.createFrom().failure(new PublishException("Could not hold " + className
                        + " until the transaction commits: " + e.getMessage(), className, topic, e));
            }
        }
        return observed(sends.send(record, null), route, className);
    }

    /** Sends an event held until its transaction committed: nobody waits for it any more, so failures are logged. */
    private void sendHeld(ProducerRecord<String, byte[]> record, Context trace, EventRouting.Route route,
            String className) {
        // on the committing thread, in commit order (a key's events stay in order); the producer blocks it for up to
        // max.block.ms while its buffer is full
        observed(sends.send(record, trace), route, className)
                .subscribe().with(ignored -> {
                }, failure -> LOG.errorf(failure, "An event of type %s held until its transaction committed could not"
                        + " be sent to topic %s; it is lost (after-commit delivery is not durable)",
                        route.info().getType(), route.topic()));
    }

    private Uni<Void> observed(Uni<?> sending, EventRouting.Route route, String className) {
        String topic = route.topic();
        Uni<Void> sent = sending.replaceWithVoid()
                .onFailure().transform(failure -> new PublishException((failure instanceof ProducerSends.Refused
                        ? "The Kafka producer refused "
                        : "The broker did not acknowledge ") + className
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
