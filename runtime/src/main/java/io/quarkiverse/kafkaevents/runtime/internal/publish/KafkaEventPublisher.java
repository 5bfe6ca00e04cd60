package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
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
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
    private final TransactionScope transactions;

    /**
     * @param channel never sent to: injecting it keeps the channel wired, so that SmallRye creates (and reports the
     *        health of) its producer, which {@link ProducerSends} uses directly
     */
    @Inject
    public KafkaEventPublisher(@Channel(CHANNEL) MutinyEmitter<byte[]> channel, KafkaClientService clients,
            Instance<OpenTelemetry> openTelemetry, EventRouting routing, ObjectMapper mapper, EventMonitors monitors,
            Instance<DeferredSends> deferredSends, Instance<Outbox> outbox, KafkaEventsConfig config,
            @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafkaConfig,
            TransactionScope transactions) {
        this.transactions = transactions;
        this.deferredSends = deferredSends;
        this.outbox = outbox;
        this.routing = routing;
        this.mapper = mapper;
        this.monitors = monitors;
        URI.create(routing.source()); // a CloudEvents source is a URI reference: fails start-up when it is not
        TopicLimits limits = new TopicLimits(routing, config,
                kafkaConfig.isResolvable() ? kafkaConfig.get() : null, Infrastructure.getDefaultWorkerPool());
        this.sends = new ProducerSends(clients, CHANNEL,
                openTelemetry.isResolvable() ? openTelemetry.get() : null, limits);
    }

    /**
     * What keeps the publisher's producer from sending (its network thread died, or sends stay unanswered past
     * {@code delivery.timeout.ms}), for liveness; empty while it works.
     */
    public List<String> problems() {
        return sends.problems();
    }

    @PreDestroy
    void close() {
        sends.close();
    }

    @Override
    public Uni<Void> publish(Object event) {
        return publish(event, EventMetadata.empty());
    }

    /**
     * Publishes at once (sends, holds for the commit, or writes to the outbox) and returns the outcome as one
     * {@link Publication}, completed from the producer's callback: no chain of operators per event (each would capture
     * and restore the propagated contexts, a fifth of the publishing time in profiles).
     */
    @Override
    public Uni<Void> publish(Object event, EventMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Publication publication = new Publication();
        send(event, metadata, publication);
        return publication;
    }

    @Override
    public Uni<Void> publishAll(List<?> events) {
        return publishAll(events, EventMetadata.empty());
    }

    /**
     * Sends every event at once (in list order, so a key's events stay in order); the {@code Uni} completes when all
     * were acknowledged, or fails once all were answered, with every failure (the first as cause, the others
     * suppressed).
     */
    @Override
    public Uni<Void> publishAll(List<?> events, EventMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Publication publication = new Publication();
        int count = events.size();
        AtomicInteger pending = new AtomicInteger(count);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Consumer<Throwable> done = failure -> {
            if (failure != null) {
                failures.add(failure);
            }
            if (pending.decrementAndGet() > 0) {
                return;
            }
            if (failures.isEmpty()) {
                publication.accept(null);
                return;
            }
            Throwable first = failures.peek();
            PublishException batch = new PublishException("Publishing a batch of " + count + " events failed for "
                    + failures.size() + " of them; the first: " + first.getMessage(), null, null, first);
            failures.stream().skip(1).forEach(batch::addSuppressed);
            publication.accept(batch);
        };
        for (Object event : events) {
            send(event, metadata, done);
        }
        return publication;
    }

    /**
     * Sends an already encoded record (used for dead-letter records, which keep the original key, value and headers).
     * Completes when the broker acknowledged it.
     */
    public Uni<Void> sendRecord(String topic, int partition, String key, byte[] value, Headers headers) {
        return sendRecord(topic, partition, key, value, headers, null);
    }

    /**
     * {@link #sendRecord(String, int, String, byte[], Headers)}, or, when the handled record is in a Kafka transaction
     * ({@code sink} not {@code null}), enlisted in it: completes at once, the record is sent with the consumed offset.
     */
    public Uni<Void> sendRecord(TransactionalSink sink, String topic, int partition, String key, byte[] value,
            Headers headers) {
        if (sink == null) {
            return sendRecord(topic, partition, key, value, headers, null);
        }
        sink.add(new ProducerRecord<>(topic, partition < 0 ? null : partition, null, key, value, headers));
        return Uni.createFrom().voidItem();
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

    /** Publishes one event; {@code done} is called once, with {@code null} or the {@link PublishException}. */
    private void send(Object event, EventMetadata metadata, Consumer<Throwable> done) {
        if (event == null) {
            done.accept(new PublishException("Cannot publish null", null, null, null));
            return;
        }
        EventRouting.Route route = routing.route(event);
        String className = event.getClass().getName();
        if (route == null) {
            done.accept(new PublishException(className
                    + " is not an event type: annotate it with @io.quarkiverse.kafkaevents.EventTopic", className, null,
                    null));
            return;
        }
        String topic = route.topic();
        ProducerRecord<String, byte[]> record;
        String id = stamps.id();
        try {
            String key = metadata.key() != null ? metadata.key() : route.key(event);
            record = route.encoding().record(key, route.checked(mapper.writeValueAsBytes(event)), metadata, id,
                    stamps.time());
        } catch (JsonProcessingException e) {
            failed(route, done, new PublishException("Could not serialize " + className + " to JSON for topic " + topic
                    + ": " + e.getOriginalMessage(), className, topic, e));
            return;
        } catch (RuntimeException e) {
            failed(route, done, new PublishException("Could not publish " + className + " to topic " + topic + ": "
                    + e.getMessage(), className, topic, e));
            return;
        }
        TransactionalSink sink = transactions.current();
        if (sink != null) {
            enlist(sink, record, route, className, done);
            return;
        }
        if (route.delivery() == KafkaEventsConfig.Delivery.OUTBOX) {
            try {
                outbox.get().write(id, record);
            } catch (RuntimeException e) {
                failed(route, done, new PublishException("Could not write " + className + " to the outbox: "
                        + e.getMessage(), className, topic, e));
                return;
            }
            done.accept(null);
            return;
        }
        if (route.delivery() == KafkaEventsConfig.Delivery.AFTER_COMMIT) {
            // held with the publishing trace: the send happens after the transaction, outside the caller's span
            Context trace = Context.current();
            try {
                if (deferredSends.get().afterCommit(() -> send(record, trace, route, className, failure -> {
                    if (failure != null) {
                        LOG.errorf(failure, "An event of type %s held until its transaction committed could not be"
                                + " sent to topic %s; it is lost (after-commit delivery is not durable)",
                                route.info().getType(), topic);
                    }
                }))) {
                    done.accept(null);
                    return;
                }
            } catch (IllegalStateException e) {
                failed(route, done, new PublishException("Could not hold " + className + " until the transaction"
                        + " commits: " + e.getMessage(), className, topic, e));
                return;
            }
        }
        send(record, null, route, className, done);
    }

    /**
     * An event published by a handler in a Kafka transaction: enlisted in it, so that it becomes visible with the
     * consumed offset; only {@code immediate} delivery can be part of that transaction.
     */
    private void enlist(TransactionalSink sink, ProducerRecord<String, byte[]> record, EventRouting.Route route,
            String className, Consumer<Throwable> done) {
        if (route.delivery() != KafkaEventsConfig.Delivery.IMMEDIATE) {
            String type = route.info().getType();
            failed(route, done, new PublishException("Event type " + type + " (" + className + ") has delivery "
                    + route.delivery().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + ", but handler " + transactions.handler() + " publishes it in a Kafka transaction, which only"
                    + " holds immediate sends: set quarkus.kafka-events.events.\"" + type + "\".delivery=immediate,"
                    + " or take the handler out of its Kafka transaction (quarkus.kafka-events.handlers.\""
                    + transactions.handler() + "\".kafka-transaction=false)", className, route.topic(), null));
            return;
        }
        sink.add(record);
        done.accept(null);
    }

    /**
     * A publication that failed before it was sent or recorded: with transactional delivery, the caller's transaction
     * must not commit without its event, even when the caller ignores the returned {@code Uni}.
     */
    private void failed(EventRouting.Route route, Consumer<Throwable> done, PublishException failure) {
        if (route.delivery() != KafkaEventsConfig.Delivery.IMMEDIATE && deferredSends.isResolvable()) {
            deferredSends.get().rollbackOnly(failure);
        }
        done.accept(failure);
    }

    /**
     * Sends an encoded event (held ones on the committing thread, in commit order, so a key's events stay in order)
     * and observes the answer.
     */
    private void send(ProducerRecord<String, byte[]> record, Context trace, EventRouting.Route route,
            String className, Consumer<Throwable> done) {
        long start = monitors.active() ? System.nanoTime() : 0;
        sends.send(record, trace, (metadata, failure) -> {
            PublishException refused = failure == null ? null
                    : new PublishException(failure.getCause() instanceof SendWatch.TooLarge
                            ? "Event type " + route.info().getType() + " (" + className + ") was not published to topic "
                                    + route.topic() + ": " + failure.getMessage()
                            : (failure instanceof ProducerSends.Refused ? "The Kafka producer refused "
                                    : "The broker did not acknowledge ") + className + " on topic " + route.topic()
                                    + ": " + failure.getMessage(),
                            className, route.topic(), failure);
            if (start != 0) {
                monitors.notify(EventMonitors.Kind.PUBLISHED, new EventObservation(route.info().getType(),
                        route.topic(), -1, -1, null, null, 0, Duration.ofNanos(System.nanoTime() - start), refused));
            }
            done.accept(refused);
        });
    }

    private Uni<Void> notifying(Uni<Void> sending, String type, String topic) {
        long start = System.nanoTime();
        return sending.onItemOrFailure().invoke((ignored, failure) -> monitors.notify(EventMonitors.Kind.PUBLISHED,
                new EventObservation(type, topic, -1, -1, null, null, 0, Duration.ofNanos(System.nanoTime() - start),
                        failure)));
    }
}
