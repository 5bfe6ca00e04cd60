package io.quarkiverse.kafkaevents.runtime.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;

/**
 * Routes the records of each handler channel to the generated {@link EventInvoker}s of their consumer group, by
 * CloudEvents type.
 * <ul>
 * <li>Records of one partition are handled one after the other; partitions side by side ({@link PartitionLanes}).</li>
 * <li>A failed handler is retried with backoff (mode {@code in-process}: a non-blocking timer, only its partition
 * waits; mode {@code retry-topics}: the record moves to the next retry topic, whose channel waits until it is due),
 * then the record goes to the dead-letter topic; unreadable records go there at once. Each failed handler is judged by
 * its own failure and retry policy ({@link FailureOutcome}).</li>
 * <li>A record is acknowledged when its handlers succeeded, it was skipped, or its dead-letter (or retry) record was
 * acknowledged by the broker; such a write is tried until it succeeds ({@link PersistentWrites}), so a record is never
 * acknowledged before what it leads to is written.</li>
 * </ul>
 * Handlers of one type are called one after the other, in the order of their class and method names; only the failed
 * ones are retried.
 */
@Singleton
public class HandlerDispatcher {

    private static final Logger LOG = Logger.getLogger(HandlerDispatcher.class);
    /** Ends the attempt of a record whose partition was revoked (or the application is stopping) before a call. */
    private static final RuntimeException NOT_STARTED = new IllegalStateException(
            "partition revoked or application stopping: the record is left for redelivery", null) {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final HandlerTopology topology;
    private final ObjectMapper mapper;
    private final FailureOutcome failures;
    private final EventMonitors monitors;
    private final EventTracing tracing;
    private final Vertx vertx;
    private final SkippedRecords skips;
    private volatile boolean stopping;

    HandlerDispatcher(@All List<EventInvoker> invokers, ObjectMapper mapper, KafkaEventsConfig config,
            KafkaEventsFixedConfig fixedConfig, KafkaEventPublisher publisher, EventRouting routing,
            Instance<EventFailureHandler> failureHandlers, EventMonitors monitors, EventTracing tracing,
            KafkaClientService clients, Vertx vertx) {
        this.mapper = mapper;
        this.monitors = monitors;
        this.tracing = tracing;
        this.vertx = vertx;
        this.skips = new SkippedRecords(config.logUnhandledTypes());
        this.topology = new HandlerTopology(invokers, routing, fixedConfig.failure().mode(), clients);
        this.failures = new FailureOutcome(this, invokers, config, fixedConfig.failure().mode(), publisher,
                failureHandlers);
    }

    /**
     * Queues one record of the channel behind the earlier records of its partition. The returned {@code Uni}
     * completes when the record is queued; the record is acknowledged once handled.
     */
    public Uni<Void> dispatch(String channel, Message<byte[]> message) {
        HandlerChannel handlers = topology.channel(channel);
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (handlers == null || record == null) {
            LOG.errorf("Kafka Events received a message on channel %s it cannot dispatch; acknowledging it", channel);
            return ack(message);
        }
        if (stopping) {
            // not acknowledged: its offset is not committed, the next owner of the partition handles it
            return Uni.createFrom().voidItem();
        }
        String partition = record.getTopic() + "-" + record.getPartition();
        TopicPartition topicPartition = new TopicPartition(record.getTopic(), record.getPartition());
        Instant timestamp = record.getTimestamp();
        int generation = handlers.generation(partition);
        handlers.track(partition, timestamp == null ? System.currentTimeMillis() : timestamp.toEpochMilli());
        return handlers.lanes.submit(topicPartition, () -> {
            Runnable finished = () -> {
                handlers.untrack(partition);
                handlers.progress.done(topicPartition, record.getOffset());
            };
            if (revokedSince(handlers, partition, generation, record)) {
                finished.run();
                return Uni.createFrom().voidItem();
            }
            BooleanSupplier revoked = () -> revokedSince(handlers, partition, generation, record);
            Uni<Void> work = handlers.retry ? handleWhenDue(handlers, message, record, revoked)
                    : handle(handlers, message, record, null, revoked);
            return work.onTermination().invoke(finished);
        });
    }

    /**
     * A record of a retry topic: waits until it is due (a non-blocking timer; only its partition waits), then handles
     * it as the next attempt of its event.
     */
    private Uni<Void> handleWhenDue(HandlerChannel handlers, Message<byte[]> message,
            IncomingKafkaRecordMetadata<?, ?> record, BooleanSupplier revoked) {
        RetryTopics.State state;
        try {
            state = RetryTopics.read(record.getHeaders());
        } catch (IllegalArgumentException e) {
            handlers.undecodable.increment();
            return failures.poison(handlers, message, record, RecordOrigin.of(record), null, null,
                    "retry record with invalid retry headers: " + e.getMessage(), e, revoked);
        }
        if (!state.group().equals(handlers.group)) {
            // a retry of another consumer group reading the same topic: that group's retry consumers handle it
            return ack(message);
        }
        long wait = state.dueMillis() - System.currentTimeMillis();
        Uni<Void> due = Uni.createFrom().voidItem();
        if (wait > 0) {
            handlers.progress.waiting(new TopicPartition(record.getTopic(), record.getPartition()), record.getOffset(),
                    state.dueMillis());
            due = due.onItem().delayIt().by(Duration.ofMillis(wait));
        }
        return due.chain(() -> revoked.getAsBoolean() ? Uni.createFrom().voidItem()
                : handle(handlers, message, record, state, revoked));
    }

    /**
     * Whether the partition was revoked from this instance after the record was dispatched (or the application is
     * stopping): its new owner handles the record (its offset was not committed), so this instance must not.
     */
    private static boolean revokedSince(HandlerChannel handlers, String partition, int generation,
            IncomingKafkaRecordMetadata<?, ?> record) {
        if (handlers.generation(partition) == generation) {
            return false;
        }
        LOG.debugf("Partition %s was revoked: dropping record %s-%d@%d (group %s), its new owner handles it",
                partition, record.getTopic(), record.getPartition(), record.getOffset(), handlers.group);
        return true;
    }

    /** Called by the rebalance listener: records of these partitions still queued or waiting to retry are dropped. */
    void revoked(String group, Collection<TopicPartition> partitions) {
        for (HandlerChannel handlers : topology.channels()) {
            if (!handlers.consumerGroup.equals(group)) {
                continue;
            }
            for (TopicPartition partition : partitions) {
                if (handlers.reads(partition.topic())) {
                    handlers.revoke(partition.topic() + "-" + partition.partition());
                }
            }
        }
    }

    /**
     * Decodes and handles a record; {@code retried} is {@code null} for a record of the event topic, the state read
     * from the retry headers for a record of a retry topic.
     */
    private Uni<Void> handle(HandlerChannel handlers, Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record,
            RetryTopics.State retried, BooleanSupplier revoked) {
        RecordOrigin origin = retried == null ? RecordOrigin.of(record) : retried.origin();
        DecodedEvent decoded;
        try {
            decoded = DecodedEvent.decode(record.getHeaders(), message.getPayload());
        } catch (RuntimeException e) {
            handlers.undecodable.increment();
            return failures.poison(handlers, message, record, origin, null, null, "undecodable record: " + e.getMessage(), e,
                    revoked);
        }
        HandlerGroup group = topology.group(handlers.group);
        String type = decoded.plain() ? group.plainTypes().get(origin.topic()) : decoded.type();
        List<EventInvoker> invokers = type == null ? null : group.byType().get(type);
        if (invokers != null && retried != null && !retried.handlers().isEmpty()) {
            // only the handlers that failed are called again
            invokers = invokers.stream().filter(invoker -> retried.handlers().contains(invoker.handler())).toList();
            if (invokers.isEmpty()) {
                invokers = null;
            }
        }
        if (invokers == null) {
            handlers.skipped.increment();
            observe(EventMonitors.Kind.SKIPPED, type, record, handlers.group, null, 0, null, null);
            if (type == null) {
                skips.plainOnSharedTopic(record, handlers.group, origin.topic(),
                        topology.typesOn(handlers.group, origin.topic()));
            } else if (retried == null) {
                skips.unhandledType(record, handlers.group, decoded.id(), type);
            }
            return ack(message);
        }
        if (decoded.data() == null) {
            handlers.undecodable.increment();
            return failures.poison(handlers, message, record, origin, decoded.id(), type,
                    "record of type " + type + " has no data", null, revoked);
        }
        Map<Class<?>, Object> events = new HashMap<>(2);
        for (EventInvoker invoker : invokers) {
            if (!events.containsKey(invoker.eventClass())) {
                try {
                    Object event = mapper.readValue(decoded.data(), invoker.eventClass());
                    if (event == null) {
                        throw new IllegalArgumentException("the payload is JSON null");
                    }
                    events.put(invoker.eventClass(), event);
                } catch (IOException | RuntimeException e) {
                    handlers.undecodable.increment();
                    return failures.poison(handlers, message, record, origin, decoded.id(), type,
                            "payload does not match event type "
                                    + invoker.eventClass().getName() + ": " + e.getMessage(),
                            e, revoked);
                }
            }
        }
        observe(EventMonitors.Kind.RECEIVED, type, record, handlers.group, null, 0, null, null);
        Context trace = tracing.start(message, record, type, handlers.group, decoded.id());
        int[] attempts = new int[1];
        Attempt first = new Attempt(handlers, message, record, decoded, type, events, trace, attempts, revoked);
        Attempt.Retry retry = retried == null ? new Attempt.Retry(origin, 1, null)
                : new Attempt.Retry(origin, retried.attempts() + 1, retried.firstFailure());
        return attempt(first, invokers, retry).onTermination().invoke(() -> EventTracing.end(trace, attempts[0]));
    }

    void observe(EventMonitors.Kind kind, String type, IncomingKafkaRecordMetadata<?, ?> record, String group,
            String handler, int attempt, Duration duration, Throwable failure) {
        if (monitors.active()) {
            monitors.notify(kind, new EventObservation(type, record.getTopic(), record.getPartition(),
                    record.getOffset(), group, handler, attempt, duration, failure));
        }
    }

    /**
     * Calls the given invokers; what happens to the failed ones is decided by {@link FailureOutcome}.
     */
    Uni<Void> attempt(Attempt record, List<EventInvoker> invokers, Attempt.Retry retry) {
        int attempt = retry.attempt();
        if (attempt > 1 && record.revoked().getAsBoolean()) {
            // the pending retry is cancelled: the partition's new owner handles the record
            return Uni.createFrom().voidItem();
        }
        record.attempts()[0] = attempt;
        HandlerChannel handlers = record.handlers();
        KafkaEventContext context = new KafkaEventContext(record.record(), retry.origin(), record.decoded(),
                record.type(), handlers.group, attempt);
        long start = System.nanoTime();
        List<Attempt.Failed> failed = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EventInvoker invoker : invokers) {
            Object event = record.events().get(invoker.eventClass());
            chain = chain.chain(() -> {
                // marked as handling first, then checked: a shutdown drain or a revocation either sees this call
                // running (and waits for it) or is seen here (and the call is not started, the record not acknowledged)
                handlers.progress.handling(record.partition(), record.record().getOffset(), invoker.handler());
                if (record.revoked().getAsBoolean()) {
                    return Uni.createFrom().failure(NOT_STARTED);
                }
                return HandlerCalls.invoke(invoker, event, context, record.trace(), vertx)
                        .onFailure().recoverWithUni(failure -> {
                            EventTracing.attemptFailed(record.trace(), invoker.handler(), attempt, failure);
                            failed.add(new Attempt.Failed(invoker, failure));
                            observe(EventMonitors.Kind.FAILED, record.type(), record.record(), handlers.group,
                                    invoker.handler(), attempt, Duration.ofNanos(System.nanoTime() - start), failure);
                            return Uni.createFrom().voidItem();
                        });
            });
        }
        return chain.chain(() -> {
            if (failed.isEmpty()) {
                observe(EventMonitors.Kind.HANDLED, record.type(), record.record(), handlers.group, null, attempt,
                        Duration.ofNanos(System.nanoTime() - start), null);
                return ack(record.message());
            }
            return failures.after(record, context, retry, failed);
        });
    }

    static Uni<Void> ack(Message<?> message) {
        return Uni.createFrom().completionStage(message.ack());
    }

    /** On shutdown, before SmallRye closes the consumers (and commits what was acknowledged). */
    void onStop(@Observes ShutdownEvent event, KafkaEventsConfig config) {
        stopping = true;
        HandlerShutdown.drain(topology.channels(), config.shutdown().timeout());
    }

    /** Whether the application is stopping: no record is started any more. */
    boolean stopping() {
        return stopping;
    }

    /** Per channel, the partitions without progress for longer than {@code bound}, described. */
    public Map<String, List<String>> stalled(Duration bound) {
        Map<String, List<String>> stalled = new HashMap<>();
        for (HandlerChannel handlers : topology.channels()) {
            List<String> partitions = handlers.progress.stalled(bound);
            if (!partitions.isEmpty()) {
                stalled.put(handlers.channel, partitions);
            }
        }
        return stalled;
    }

    /** Per channel, the partitions whose dead-letter or retry write is being refused right now, described. */
    public Map<String, List<String>> failingWrites() {
        Map<String, List<String>> failing = new HashMap<>();
        for (HandlerChannel handlers : topology.channels()) {
            List<String> partitions = handlers.progress.failingWrites();
            if (!partitions.isEmpty()) {
                failing.put(handlers.channel, partitions);
            }
        }
        return failing;
    }

    /** The CloudEvents types handled by at least one handler. */
    public Set<String> handledTypes() {
        return topology.handledTypes();
    }

    /** The labels ({@code <class name>#<method name>}) of the handler methods. */
    public Set<String> handlerLabels() {
        return new TreeSet<>(failures.handlerLabels());
    }

    /** Timestamp of the oldest record not handled yet per partition ({@code topic-partition}) of the channel. */
    public Map<String, Long> oldestUnhandled(String channel) {
        HandlerChannel handlers = topology.channel(channel);
        Map<String, Long> oldest = new HashMap<>();
        if (handlers != null) {
            for (String partition : handlers.partitions()) {
                oldest.put(partition, handlers.oldestUnhandled(partition));
            }
        }
        return oldest;
    }

    /**
     * The timestamp of the oldest record of a partition not handled yet by the group, or -1 when there is none.
     */
    public long oldestUnhandled(String topic, int partition, String group) {
        long oldest = -1;
        for (HandlerChannel handlers : topology.channels()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                long candidate = handlers.oldestUnhandled(topic + "-" + partition);
                if (candidate >= 0 && (oldest < 0 || candidate < oldest)) {
                    oldest = candidate;
                }
            }
        }
        return oldest;
    }

    /** A channel reading a topic (an event topic or a retry topic) for a group, or {@code null}. */
    public String channel(String topic, String group) {
        for (HandlerChannel handlers : topology.channels()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                return handlers.channel;
            }
        }
        return null;
    }

    /** The consumer group of a channel. */
    public String group(String channel) {
        HandlerChannel handlers = topology.channel(channel);
        return handlers == null ? null : handlers.group;
    }

    /** The channels with handlers. */
    public Set<String> channels() {
        return topology.channelNames();
    }

    /** The event topics each handler channel reads, by channel (retry channels are not included). */
    public Map<String, Set<String>> topics() {
        return topology.topics();
    }

    /**
     * The retry topics of an event topic: in mode {@code retry-topics}, one per retry of its handler with the most
     * attempts; otherwise none.
     */
    public List<String> retryTopics(String topic) {
        return failures.retryTopics(topic, topology.invokersOf(topic));
    }

    /** The dead-letter topic of a source topic, or {@code null} when dead-lettering is disabled. */
    public String deadLetterTopic(String topic) {
        return failures.deadLetterTopic(topic);
    }

    /** Records skipped because no handler takes their type, per channel. */
    public long skipped(String channel) {
        HandlerChannel handlers = topology.channel(channel);
        return handlers == null ? 0 : handlers.skipped.sum();
    }

    /** Records that could not be decoded, per channel. */
    public long undecodable(String channel) {
        HandlerChannel handlers = topology.channel(channel);
        return handlers == null ? 0 : handlers.undecodable.sum();
    }
}
