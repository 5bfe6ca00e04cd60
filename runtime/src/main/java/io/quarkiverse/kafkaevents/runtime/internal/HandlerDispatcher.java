package io.quarkiverse.kafkaevents.runtime.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventFailure;
import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Routes the records of each handler channel to the generated {@link EventInvoker}s by CloudEvents type.
 * <ul>
 * <li>Records of one partition are handled one after the other; partitions side by side ({@link PartitionLanes}).</li>
 * <li>A failed handler is retried with backoff (mode {@code in-process}: a non-blocking timer, only its partition
 * waits; mode {@code retry-topics}: the record moves to the next retry topic, whose channel waits until it is due),
 * then the record goes to the dead-letter topic; unreadable records go there at once.</li>
 * <li>A record is acknowledged when its handlers succeeded, it was skipped, or its dead-letter (or retry) record was
 * acknowledged by the broker; if that write fails it stays unacknowledged, so its offset is never committed and it is
 * seen again.</li>
 * </ul>
 * Handlers of one type are called one after the other, in the order of their class and method names; only the failed
 * ones are retried.
 */
@Singleton
public class HandlerDispatcher {

    private static final Logger LOG = Logger.getLogger(HandlerDispatcher.class);
    /** Records queued in all, per channel: beyond it SmallRye pauses the consumer (single partitions pause earlier). */
    private static final int LANE_CAPACITY = 4096;

    /** The handlers of one channel. */
    static final class ChannelHandlers {
        final String channel;
        /** The topic of the events: for a retry channel, the topic whose retry topics it reads. */
        final String topic;
        /** The consumer group of the handlers, in dead-letter headers, metrics and contexts. */
        final String group;
        /** The group of the channel's consumers: the handlers' group, or for a retry channel its own group. */
        final String consumerGroup;
        /** Whether the channel reads retry topics. */
        final boolean retry;
        final Map<String, List<EventInvoker>> byType;
        /** The type plain JSON records are handled as: the only type of the channel, or {@code null}. */
        final String plainType;
        final PartitionLanes lanes;
        final LongAdder skipped = new LongAdder();
        final LongAdder undecodable = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder retried = new LongAdder();
        /** Per partition, how often it was revoked: records dispatched before a revocation are dropped. */
        final Map<String, AtomicInteger> generations = new ConcurrentHashMap<>();

        int generation(String partition) {
            return generations.computeIfAbsent(partition, p -> new AtomicInteger()).get();
        }

        /** Timestamps of the records queued or running, per partition, oldest first. */
        final Map<String, ArrayDeque<Long>> inFlight = new ConcurrentHashMap<>();

        void track(String partition, long timestamp) {
            ArrayDeque<Long> timestamps = inFlight.computeIfAbsent(partition, p -> new ArrayDeque<>());
            synchronized (timestamps) {
                timestamps.addLast(timestamp);
            }
        }

        void untrack(String partition) {
            ArrayDeque<Long> timestamps = inFlight.get(partition);
            synchronized (timestamps) {
                timestamps.pollFirst();
            }
        }

        /** The timestamp of the oldest record of the partition not handled yet, or -1. */
        long oldestUnhandled(String partition) {
            ArrayDeque<Long> timestamps = inFlight.get(partition);
            if (timestamps == null) {
                return -1;
            }
            synchronized (timestamps) {
                Long oldest = timestamps.peekFirst();
                return oldest == null ? -1 : oldest;
            }
        }

        ChannelHandlers(String channel, String topic, String group, String consumerGroup, boolean retry,
                Map<String, List<EventInvoker>> byType, KafkaClientService clients) {
            this.channel = channel;
            this.lanes = new PartitionLanes(LANE_CAPACITY, new ConsumerFlow(clients, channel));
            this.topic = topic;
            this.group = group;
            this.consumerGroup = consumerGroup;
            this.retry = retry;
            this.byType = byType;
            this.plainType = byType.size() == 1 ? byType.keySet().iterator().next() : null;
        }

        /** Whether the channel reads the topic: its event topic, or for a retry channel one of its retry topics. */
        boolean reads(String candidate) {
            return retry ? RetryTopics.isRetryTopicOf(candidate, topic) : topic.equals(candidate);
        }
    }

    /**
     * Pauses and resumes one partition on whichever of the channel's consumers it is assigned to, on the consumer's
     * polling thread.
     */
    private record ConsumerFlow(KafkaClientService clients, String channel) implements PartitionLanes.Flow {

        @Override
        public void pause(TopicPartition partition) {
            LOG.debugf("Pausing partition %s of channel %s: its records are waiting", partition, channel);
            run(partition, consumer -> consumer.pause(List.of(partition)));
        }

        @Override
        public void resume(TopicPartition partition) {
            LOG.debugf("Resuming partition %s of channel %s", partition, channel);
            run(partition, consumer -> consumer.resume(List.of(partition)));
        }

        private void run(TopicPartition partition,
                java.util.function.Consumer<Consumer<Object, Object>> action) {
            List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
            if (consumers == null) {
                return;
            }
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                consumer.runOnPollingThread(c -> {
                    if (c.assignment().contains(partition)) {
                        action.accept(c);
                    }
                }).subscribe().with(ignored -> {
                }, failure -> LOG.debugf(failure, "Could not pause or resume partition %s of channel %s", partition,
                        channel));
            }
        }
    }

    private final Map<String, ChannelHandlers> channels;
    private final ObjectMapper mapper;
    /** The retry policy of each handler, by handler label. */
    private final Map<String, RetryPolicy> policies;
    private final DeadLetters deadLetters;
    private final KafkaEventsFixedConfig.FailureMode mode;
    private final RetryTopics retryTopics;
    private final Instance<EventFailureHandler> failureHandlers;
    private final EventMonitors monitors;
    private final EventTracing tracing;

    HandlerDispatcher(@All List<EventInvoker> invokers, ObjectMapper mapper, KafkaEventsConfig config,
            KafkaEventsFixedConfig fixedConfig, KafkaEventPublisher publisher,
            Instance<EventFailureHandler> failureHandlers, EventMonitors monitors, EventTracing tracing,
            KafkaClientService clients) {
        this.mapper = mapper;
        this.monitors = monitors;
        this.tracing = tracing;
        this.failureHandlers = failureHandlers;
        this.mode = fixedConfig.failure().mode();
        this.retryTopics = mode == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS ? new RetryTopics(publisher) : null;
        this.policies = policies(invokers, config, mode);
        this.deadLetters = config.failure().deadLetter().enabled()
                ? new DeadLetters(publisher, config.failure().deadLetter().suffix())
                : null;
        Config mpConfig = ConfigProvider.getConfig();
        String defaultGroup = mpConfig.getOptionalValue("quarkus.application.name", String.class).orElse("application");
        List<EventInvoker> sorted = new ArrayList<>(invokers);
        sorted.sort(Comparator.comparing(EventInvoker::handler));
        Map<String, Map<String, List<EventInvoker>>> grouped = new LinkedHashMap<>();
        for (EventInvoker invoker : sorted) {
            grouped.computeIfAbsent(invoker.channel(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(invoker.type(), t -> new ArrayList<>()).add(invoker);
        }
        Map<String, ChannelHandlers> map = new HashMap<>();
        for (Map.Entry<String, Map<String, List<EventInvoker>>> e : grouped.entrySet()) {
            String prefix = "mp.messaging.incoming." + e.getKey() + ".";
            String group = mpConfig.getOptionalValue(prefix + "group.id", String.class).orElse(defaultGroup);
            String topic = mpConfig.getOptionalValue(prefix + "topic", String.class).orElse(e.getKey());
            map.put(e.getKey(), new ChannelHandlers(e.getKey(), topic, group, group, false, e.getValue(), clients));
            if (retryTopics != null) {
                String retryChannel = e.getKey() + RetryTopics.CHANNEL_SUFFIX;
                String retryGroup = mpConfig.getOptionalValue("mp.messaging.incoming." + retryChannel + ".group.id",
                        String.class).orElse(group + RetryTopics.CHANNEL_SUFFIX);
                map.put(retryChannel,
                        new ChannelHandlers(retryChannel, topic, group, retryGroup, true, e.getValue(), clients));
            }
        }
        this.channels = map;
    }

    /**
     * Queues one record of the channel behind the earlier records of its partition. The returned {@code Uni}
     * completes when the record is queued; the record is acknowledged once handled.
     */
    public Uni<Void> dispatch(String channel, Message<byte[]> message) {
        ChannelHandlers handlers = channels.get(channel);
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (handlers == null || record == null) {
            LOG.errorf("Kafka Events received a message on channel %s it cannot dispatch; acknowledging it", channel);
            return ack(message);
        }
        String partition = record.getTopic() + "-" + record.getPartition();
        Instant timestamp = record.getTimestamp();
        int generation = handlers.generation(partition);
        handlers.track(partition, timestamp == null ? System.currentTimeMillis() : timestamp.toEpochMilli());
        return handlers.lanes.submit(new TopicPartition(record.getTopic(), record.getPartition()), () -> {
            if (revokedSince(handlers, partition, generation, record)) {
                return Uni.createFrom().voidItem().onTermination().invoke(() -> handlers.untrack(partition));
            }
            BooleanSupplier revoked = () -> revokedSince(handlers, partition, generation, record);
            Uni<Void> work = handlers.retry ? handleWhenDue(handlers, message, record, revoked)
                    : handle(handlers, message, record, null, revoked);
            return work.onTermination().invoke(() -> handlers.untrack(partition));
        });
    }

    /**
     * A record of a retry topic: waits until it is due (a non-blocking timer; only its partition waits), then handles
     * it as the next attempt of its event.
     */
    private Uni<Void> handleWhenDue(ChannelHandlers handlers, Message<byte[]> message,
            IncomingKafkaRecordMetadata<?, ?> record, BooleanSupplier revoked) {
        RetryTopics.State state;
        try {
            state = RetryTopics.read(record.getHeaders());
        } catch (IllegalArgumentException e) {
            handlers.undecodable.increment();
            return poison(handlers, message, record, "retry record with invalid retry headers: " + e.getMessage(), e);
        }
        if (!state.group().equals(handlers.group)) {
            // a retry of another consumer group reading the same topic: that group's retry consumers handle it
            return ack(message);
        }
        long wait = state.dueMillis() - System.currentTimeMillis();
        Uni<Void> due = Uni.createFrom().voidItem();
        if (wait > 0) {
            due = due.onItem().delayIt().by(Duration.ofMillis(wait));
        }
        return due.chain(() -> revoked.getAsBoolean() ? Uni.createFrom().voidItem()
                : handle(handlers, message, record, state, revoked));
    }

    /**
     * Whether the partition was revoked from this instance after the record was dispatched: its new owner handles the
     * record (its offset was not committed), so this instance must not.
     */
    private static boolean revokedSince(ChannelHandlers handlers, String partition, int generation,
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
        for (ChannelHandlers handlers : channels.values()) {
            if (!handlers.consumerGroup.equals(group)) {
                continue;
            }
            for (TopicPartition partition : partitions) {
                if (handlers.reads(partition.topic())) {
                    handlers.generations.computeIfAbsent(partition.topic() + "-" + partition.partition(),
                            p -> new AtomicInteger()).incrementAndGet();
                }
            }
        }
    }

    /**
     * Decodes and handles a record; {@code retried} is {@code null} for a record of the event topic, the state read
     * from the retry headers for a record of a retry topic.
     */
    private Uni<Void> handle(ChannelHandlers handlers, Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record,
            RetryTopics.State retried, BooleanSupplier revoked) {
        DecodedEvent decoded;
        try {
            decoded = DecodedEvent.decode(record.getHeaders(), message.getPayload());
        } catch (RuntimeException e) {
            handlers.undecodable.increment();
            return poison(handlers, message, record, "undecodable record: " + e.getMessage(), e);
        }
        String type = decoded.plain() ? handlers.plainType : decoded.type();
        List<EventInvoker> invokers = type == null ? null : handlers.byType.get(type);
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
            if (LOG.isDebugEnabled()) {
                LOG.debugf("No handler for %s record %s-%d@%d in group %s; skipping it",
                        decoded.plain() ? "plain JSON" : "type " + type, record.getTopic(), record.getPartition(),
                        record.getOffset(), handlers.group);
            }
            return ack(message);
        }
        if (decoded.data() == null) {
            handlers.undecodable.increment();
            return poison(handlers, message, record, "record of type " + type + " has no data", null);
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
                    return poison(handlers, message, record, "payload does not match event type "
                            + invoker.eventClass().getName() + ": " + e.getMessage(), e);
                }
            }
        }
        observe(EventMonitors.Kind.RECEIVED, type, record, handlers.group, null, 0, null, null);
        Context trace = tracing.start(message, record, type, handlers.group, decoded.id());
        int[] attempts = new int[1];
        Retry retry = retried == null ? new Retry(RecordOrigin.of(record), 1, null)
                : new Retry(retried.origin(), retried.attempts() + 1, retried.firstFailure());
        return attempt(handlers, message, record, decoded, type, invokers, events, retry, trace, attempts, revoked)
                .onTermination().invoke(() -> EventTracing.end(trace, attempts[0]));
    }

    private void observe(EventMonitors.Kind kind, String type, IncomingKafkaRecordMetadata<?, ?> record, String group,
            String handler, int attempt, Duration duration, Throwable failure) {
        if (monitors.active()) {
            monitors.notify(kind, new EventObservation(type, record.getTopic(), record.getPartition(),
                    record.getOffset(), group, handler, attempt, duration, failure));
        }
    }

    /** Where the event came from, which attempt this is, and when it first failed ({@code null} before that). */
    private record Retry(RecordOrigin origin, int attempt, Instant firstFailure) {
    }

    /**
     * Calls the given invokers; retries the failed ones after the backoff (here, or through the next retry topic), or
     * dead-letters the record.
     */
    private Uni<Void> attempt(ChannelHandlers handlers, Message<byte[]> message,
            IncomingKafkaRecordMetadata<?, ?> record, DecodedEvent decoded, String type, List<EventInvoker> invokers,
            Map<Class<?>, Object> events, Retry retry, Context trace, int[] attempts, BooleanSupplier revoked) {
        int attempt = retry.attempt();
        Instant firstFailure = retry.firstFailure();
        if (attempt > 1 && revoked.getAsBoolean()) {
            // the pending retry is cancelled: the partition's new owner handles the record
            return Uni.createFrom().voidItem();
        }
        attempts[0] = attempt;
        KafkaEventContext context = new KafkaEventContext(record, retry.origin(), decoded, type, handlers.group,
                attempt);
        long start = System.nanoTime();
        List<EventInvoker> failedInvokers = new ArrayList<>();
        Throwable[] lastFailure = new Throwable[1];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EventInvoker invoker : invokers) {
            Object event = events.get(invoker.eventClass());
            chain = chain.chain(() -> invoke(invoker, event, context, trace)
                    .onFailure().recoverWithUni(failure -> {
                        EventTracing.attemptFailed(trace, invoker.handler(), attempt, failure);
                        handlers.failed.increment();
                        failedInvokers.add(invoker);
                        lastFailure[0] = failure;
                        observe(EventMonitors.Kind.FAILED, type, record, handlers.group, invoker.handler(), attempt,
                                Duration.ofNanos(System.nanoTime() - start), failure);
                        return Uni.createFrom().voidItem();
                    }));
        }
        return chain.chain(() -> {
            if (failedInvokers.isEmpty()) {
                observe(EventMonitors.Kind.HANDLED, type, record, handlers.group, null, attempt,
                        Duration.ofNanos(System.nanoTime() - start), null);
                return ack(message);
            }
            Instant first = firstFailure != null ? firstFailure : Instant.now();
            EventInvoker invoker = failedInvokers.get(0);
            Throwable failure = lastFailure[0];
            EventFailureHandler.Decision decision = decide(invoker, events.get(invoker.eventClass()), context,
                    failure, attempt);
            RetryPolicy policy = policies.get(invoker.handler());
            boolean again = switch (decision) {
                case RETRY -> attempt < policy.maxAttempts();
                case DEFAULT -> attempt < policy.maxAttempts() && policy.retryable(failure);
                default -> false;
            };
            if (decision == EventFailureHandler.Decision.SKIP) {
                LOG.infof("Handler %s failed for record %s (attempt %d); the failure handler chose to skip it",
                        invoker.handler(), context, attempt);
                observe(EventMonitors.Kind.SKIPPED, type, record, handlers.group, invoker.handler(), attempt, null,
                        failure);
                return ack(message);
            }
            if (again) {
                Duration backoff = policy.backoff(attempt);
                handlers.retried.increment();
                observe(EventMonitors.Kind.RETRIED, type, record, handlers.group, invoker.handler(), attempt, backoff,
                        failure);
                EventTracing.retry(trace, attempt, backoff.toMillis());
                if (retryTopics != null) {
                    String retryTopic = RetryTopics.topic(handlers.topic, attempt);
                    LOG.warnf("Handler %s failed for record %s (type %s, group %s, attempt %d of %d): %s; retrying"
                            + " in %d ms through %s", invoker.handler(), context, type, handlers.group, attempt,
                            policy.maxAttempts(), failure, backoff.toMillis(), retryTopic);
                    List<String> failed = failedInvokers.stream().map(EventInvoker::handler).toList();
                    return retryTopics.forward(record, handlers.topic, retry.origin(), message.getPayload(),
                            handlers.group, attempt, backoff, first, failed)
                            .chain(() -> ack(message))
                            .onFailure().recoverWithUni(writeFailure -> unacknowledged(record, retryTopic,
                                    writeFailure));
                }
                LOG.warnf("Handler %s failed for record %s (type %s, group %s, attempt %d of %d): %s; retrying in %d ms",
                        invoker.handler(), context, type, handlers.group, attempt, policy.maxAttempts(), failure,
                        backoff.toMillis());
                return Uni.createFrom().voidItem().onItem().delayIt().by(backoff)
                        .chain(() -> attempt(handlers, message, record, decoded, type, List.copyOf(failedInvokers),
                                events, new Retry(retry.origin(), attempt + 1, first), trace, attempts, revoked));
            }
            LOG.errorf(failure, "Handler %s failed for record %s (type %s, group %s) after %d attempt(s)",
                    invoker.handler(), context, type, handlers.group, attempt);
            return deadLetter(handlers, message, record, retry.origin(), type,
                    "handler " + invoker.handler() + " failed: " + failure, failure, attempt, first, trace);
        });
    }

    private EventFailureHandler.Decision decide(EventInvoker invoker, Object event, EventContext context,
            Throwable failure, int attempt) {
        if (!failureHandlers.isResolvable()) {
            return EventFailureHandler.Decision.DEFAULT;
        }
        EventFailure eventFailure = new EventFailure() {
            @Override
            public Object event() {
                return event;
            }

            @Override
            public EventContext context() {
                return context;
            }

            @Override
            public Throwable cause() {
                return failure;
            }

            @Override
            public int attempt() {
                return attempt;
            }

            @Override
            public String handler() {
                return invoker.handler();
            }
        };
        try {
            EventFailureHandler.Decision decision = failureHandlers.get().decide(eventFailure);
            return decision == null ? EventFailureHandler.Decision.DEFAULT : decision;
        } catch (RuntimeException e) {
            LOG.errorf(e, "The EventFailureHandler failed for record %s; applying the configured policy", context);
            return EventFailureHandler.Decision.DEFAULT;
        }
    }

    /**
     * The retry policy of every handler: global settings, overridden by its event type's, overridden by its own.
     */
    private static Map<String, RetryPolicy> policies(List<EventInvoker> invokers, KafkaEventsConfig config,
            KafkaEventsFixedConfig.FailureMode mode) {
        Map<String, RetryPolicy> policies = new HashMap<>();
        for (EventInvoker invoker : invokers) {
            policies.put(invoker.handler(), RetryPolicy.of(config.failure(), mode, config.events().get(invoker.type()),
                    config.handlers().get(invoker.handler())));
        }
        return Map.copyOf(policies);
    }

    /** The labels ({@code <class name>#<method name>}) of the handler methods. */
    public Set<String> handlerLabels() {
        return new TreeSet<>(policies.keySet());
    }

    /** A record that cannot be handled at all: never retried. */
    private Uni<Void> poison(ChannelHandlers handlers, Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record,
            String reason, Throwable failure) {
        LOG.warnf("Record %s-%d@%d (group %s) cannot be handled: %s", record.getTopic(), record.getPartition(),
                record.getOffset(), handlers.group, reason);
        return deadLetter(handlers, message, record, RecordOrigin.of(record), null, reason, failure, 0, Instant.now(),
                null);
    }

    private Uni<Void> deadLetter(ChannelHandlers handlers, Message<byte[]> message,
            IncomingKafkaRecordMetadata<?, ?> record, RecordOrigin origin, String type, String reason,
            Throwable failure, int attempts, Instant firstFailure, Context trace) {
        if (deadLetters == null) {
            LOG.warnf("Dead-letter topics are disabled: skipping record %s-%d@%d", record.getTopic(),
                    record.getPartition(), record.getOffset());
            return ack(message);
        }
        String deadLetterTopic = deadLetters.topicFor(handlers.topic);
        return deadLetters.write(record, handlers.topic, origin, message.getPayload(), handlers.group, reason, failure,
                attempts, firstFailure)
                .onItem().invoke(() -> {
                    handlers.deadLettered.increment();
                    if (trace != null) {
                        EventTracing.deadLettered(trace, deadLetterTopic, reason, attempts);
                    }
                    observe(EventMonitors.Kind.DEAD_LETTERED, type == null ? "unreadable" : type, record,
                            handlers.group, null, attempts, null, failure);
                })
                .chain(() -> ack(message))
                .onFailure().recoverWithUni(writeFailure -> unacknowledged(record, deadLetterTopic, writeFailure));
    }

    /** A record whose dead-letter or retry record could not be written. */
    private static Uni<Void> unacknowledged(IncomingKafkaRecordMetadata<?, ?> record, String topic,
            Throwable writeFailure) {
        // not acknowledged: the offset is not committed past this record, which is seen again later
        LOG.errorf(writeFailure, "Could not write record %s-%d@%d to topic %s; it stays unacknowledged and will be"
                + " delivered again", record.getTopic(), record.getPartition(), record.getOffset(), topic);
        return Uni.createFrom().voidItem();
    }

    private static Uni<Void> invoke(EventInvoker invoker, Object event, KafkaEventContext context, Context trace) {
        switch (invoker.kind()) {
            case EventInvoker.BLOCKING:
                return Uni.createFrom().<Void> item(() -> {
                    Mdc.put(context);
                    try (Scope scope = trace.makeCurrent()) {
                        invoker.invoke(event, context);
                    } finally {
                        Mdc.clear();
                    }
                    return null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            case EventInvoker.UNI:
                return Uni.createFrom().deferred(() -> {
                    Mdc.put(context);
                    try (Scope scope = trace.makeCurrent()) {
                        @SuppressWarnings("unchecked")
                        Uni<Object> result = (Uni<Object>) invoker.invoke(event, context);
                        return result == null ? Uni.createFrom().voidItem() : result.replaceWithVoid();
                    } finally {
                        Mdc.clear();
                    }
                });
            default:
                return Uni.createFrom().deferred(() -> {
                    Mdc.put(context);
                    try (Scope scope = trace.makeCurrent()) {
                        CompletionStage<?> result = (CompletionStage<?>) invoker.invoke(event, context);
                        return result == null ? Uni.createFrom().voidItem()
                                : Uni.createFrom().completionStage(result).replaceWithVoid();
                    } finally {
                        Mdc.clear();
                    }
                });
        }
    }

    /** Timestamp of the oldest record not handled yet per partition ({@code topic-partition}) of the channel. */
    public Map<String, Long> oldestUnhandled(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        Map<String, Long> oldest = new HashMap<>();
        if (handlers != null) {
            for (String partition : handlers.inFlight.keySet()) {
                oldest.put(partition, handlers.oldestUnhandled(partition));
            }
        }
        return oldest;
    }

    /**
     * The timestamp of the oldest record of a partition not handled yet by the group, or -1 when there is none.
     */
    public long oldestUnhandled(String topic, int partition, String group) {
        for (ChannelHandlers handlers : channels.values()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                return handlers.oldestUnhandled(topic + "-" + partition);
            }
        }
        return -1;
    }

    /** The channel reading a topic (an event topic or a retry topic) for a group, or {@code null}. */
    public String channel(String topic, String group) {
        for (ChannelHandlers handlers : channels.values()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                return handlers.channel;
            }
        }
        return null;
    }

    /** The consumer group of a channel. */
    public String group(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        return handlers == null ? null : handlers.group;
    }

    private static Uni<Void> ack(Message<?> message) {
        return Uni.createFrom().completionStage(message.ack());
    }

    /** The channels with handlers. */
    public Set<String> channels() {
        return channels.keySet();
    }

    /** The event topic each handler channel reads, by channel (retry channels are not included). */
    public Map<String, String> topics() {
        Map<String, String> topics = new HashMap<>();
        for (ChannelHandlers handlers : channels.values()) {
            if (!handlers.retry) {
                topics.put(handlers.channel, handlers.topic);
            }
        }
        return topics;
    }

    /**
     * The retry topics of an event topic: in mode {@code retry-topics}, one per retry of its handler with the most
     * attempts; otherwise none.
     */
    public List<String> retryTopics(String topic) {
        if (retryTopics == null) {
            return List.of();
        }
        int maxAttempts = 1;
        for (ChannelHandlers handlers : channels.values()) {
            if (!handlers.retry && handlers.topic.equals(topic)) {
                for (List<EventInvoker> invokers : handlers.byType.values()) {
                    for (EventInvoker invoker : invokers) {
                        maxAttempts = Math.max(maxAttempts, policies.get(invoker.handler()).maxAttempts());
                    }
                }
            }
        }
        return RetryTopics.topics(topic, maxAttempts);
    }

    /** The dead-letter topic of a source topic, or {@code null} when dead-lettering is disabled. */
    public String deadLetterTopic(String topic) {
        return deadLetters == null ? null : deadLetters.topicFor(topic);
    }

    /** Records skipped because no handler takes their type, per channel. */
    public long skipped(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        return handlers == null ? 0 : handlers.skipped.sum();
    }

    /** Records that could not be decoded, per channel. */
    public long undecodable(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        return handlers == null ? 0 : handlers.undecodable.sum();
    }

    /** Handler invocations that failed, per channel. */
    public long failed(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        return handlers == null ? 0 : handlers.failed.sum();
    }

    /** Records written to the dead-letter topic, per channel. */
    public long deadLettered(String channel) {
        ChannelHandlers handlers = channels.get(channel);
        return handlers == null ? 0 : handlers.deadLettered.sum();
    }
}
