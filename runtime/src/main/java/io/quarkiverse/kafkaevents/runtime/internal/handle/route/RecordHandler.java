package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.EventValidation;
import io.quarkiverse.kafkaevents.runtime.internal.failure.FailureOutcome;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.Attempt;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.AttemptRunner;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.DecodedEvent;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerGroup;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HeaderTexts;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.Replays;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.smallrye.mutiny.Uni;

/**
 * One record at the head of its lane: decodes it, finds the handlers of its consumer group and type, parses the
 * payload once per event class, and starts its first attempt ({@link AttemptRunner}); a record of a retry topic first
 * waits until it is due. Returns {@link PartitionLanes#DONE} when the record was finished with synchronously.
 */
public final class RecordHandler {

    private final HandlerTopology topology;
    private final ObjectMapper mapper;
    private final FailureOutcome failures;
    private final AttemptRunner attempts;
    private final EventTracing tracing;
    private final SkippedRecords skips;
    private final ReceivedValidation validation;
    private final HeaderTexts texts = new HeaderTexts();

    public RecordHandler(HandlerTopology topology, ObjectMapper mapper, FailureOutcome failures, AttemptRunner attempts,
            EventTracing tracing, SkippedRecords skips, EventRouting routing, KafkaEventsConfig config,
            EventValidation validation) {
        this.validation = ReceivedValidation.of(topology, routing, config, validation);
        this.topology = topology;
        this.mapper = mapper;
        this.failures = failures;
        this.attempts = attempts;
        this.tracing = tracing;
        this.skips = skips;
    }

    /**
     * A record of a retry topic: waits until it is due (a non-blocking timer; only its partition waits), then handles
     * it as the next attempt of its event.
     */
    public Uni<Void> handleWhenDue(HandlerChannel handlers, PolledRecord record, BooleanSupplier revoked) {
        RetryTopics.State state;
        try {
            state = RetryTopics.read(record.headers());
        } catch (IllegalArgumentException e) {
            handlers.undecodable.increment();
            return failures.poison(handlers, record, RecordOrigin.of(record), null, null,
                    "retry record with invalid retry headers: " + e.getMessage(), e, revoked);
        }
        if (!state.group().equals(handlers.group)) {
            // a retry of another consumer group reading the same topic: that group's retry consumers handle it
            return record.finish();
        }
        long wait = state.dueMillis() - System.currentTimeMillis();
        if (wait <= 0) {
            return handle(handlers, record, state, revoked);
        }
        record.progress().waiting(record.offset(), state.dueMillis());
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(wait))
                .chain(() -> revoked.getAsBoolean() ? Uni.createFrom().voidItem()
                        : handle(handlers, record, state, revoked));
    }

    /**
     * Decodes and handles a record; {@code retried} is {@code null} for a record of the event topic, the state read
     * from the retry headers for a record of a retry topic.
     */
    public Uni<Void> handle(HandlerChannel handlers, PolledRecord record, RetryTopics.State retried,
            BooleanSupplier revoked) {
        Routed routed = route(handlers, record, retried, revoked);
        return routed.outcome != null ? routed.outcome : start(routed, routed.invokers);
    }

    /**
     * A record decoded and routed: either finished with ({@code outcome}: skipped, or on its way to the dead-letter
     * topic because it cannot be read), or ready for its first attempt, with its handlers and its event parsed once
     * per event class.
     */
    static final class Routed {
        final HandlerChannel handlers;
        final PolledRecord record;
        final BooleanSupplier revoked;
        final RetryTopics.State retried;
        final RecordOrigin origin;
        Uni<Void> outcome;
        DecodedEvent decoded;
        String type;
        List<EventInvoker> invokers;
        Map<Class<?>, Object> events;

        Routed(HandlerChannel handlers, PolledRecord record, RetryTopics.State retried, BooleanSupplier revoked) {
            this.handlers = handlers;
            this.record = record;
            this.retried = retried;
            this.revoked = revoked;
            this.origin = retried == null ? RecordOrigin.of(record) : retried.origin();
        }

        private Routed finished(Uni<Void> outcome) {
            this.outcome = outcome;
            return this;
        }
    }

    /** Decodes the record, finds its handlers and parses its payload (see {@link Routed}). */
    Routed route(HandlerChannel handlers, PolledRecord record, RetryTopics.State retried, BooleanSupplier revoked) {
        Routed routed = new Routed(handlers, record, retried, revoked);
        RecordOrigin origin = routed.origin;
        if (retried == null && Replays.forAnotherGroup(record.headers(), handlers.group)) {
            // a dead-letter replay for the group that failed it: this group handled it when it first came
            handlers.skipped.increment();
            skips.replayForAnotherGroup(record, handlers.group);
            return routed.finished(record.finish());
        }
        DecodedEvent decoded;
        try {
            decoded = DecodedEvent.decode(record.headers(), record.value(), texts);
        } catch (RuntimeException e) {
            handlers.undecodable.increment();
            return routed.finished(failures.poison(handlers, record, origin, null, null,
                    "undecodable record: " + e.getMessage(), e, revoked));
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
            attempts.observe(EventMonitors.Kind.SKIPPED, type, record, handlers.group, null, 0, null, null);
            if (type == null) {
                skips.plainOnSharedTopic(record, handlers.group, origin.topic(),
                        topology.typesOn(handlers.group, origin.topic()));
            } else if (retried == null) {
                skips.unhandledType(record, handlers.group, decoded.id(), type);
            }
            return routed.finished(record.finish());
        }
        if (decoded.data() == null) {
            handlers.undecodable.increment();
            return routed.finished(failures.poison(handlers, record, origin, decoded.id(), type,
                    "record of type " + type + " has no data", null, revoked));
        }
        String refusal = validation.refusal(handlers.group, type, decoded.data());
        if (refusal != null) {
            // a permanent failure: the same bytes never match on a later attempt
            handlers.undecodable.increment();
            return routed.finished(failures.poison(handlers, record, origin, decoded.id(), type, refusal, null,
                    revoked));
        }
        // one event class (the usual case): an immutable one-entry map; several: one parse per class
        Map<Class<?>, Object> events = null;
        for (EventInvoker invoker : invokers) {
            if (events == null || !events.containsKey(invoker.eventClass())) {
                try {
                    Object event = mapper.readValue(decoded.data(), invoker.eventClass());
                    if (event == null) {
                        throw new IllegalArgumentException("the payload is JSON null");
                    }
                    if (events == null) {
                        events = Map.of(invoker.eventClass(), event);
                    } else {
                        if (events.size() == 1) {
                            events = new HashMap<>(events);
                        }
                        events.put(invoker.eventClass(), event);
                    }
                } catch (IOException | RuntimeException e) {
                    handlers.undecodable.increment();
                    return routed.finished(failures.poison(handlers, record, origin, decoded.id(), type,
                            "payload does not match event type "
                                    + invoker.eventClass().getName() + ": " + e.getMessage(),
                            e, revoked));
                }
            }
        }
        routed.decoded = decoded;
        routed.type = type;
        routed.invokers = invokers;
        routed.events = events;
        return routed;
    }

    /** The first attempt of a routed record, with the given handlers. */
    Uni<Void> start(Routed routed, List<EventInvoker> invokers) {
        attempts.observe(EventMonitors.Kind.RECEIVED, routed.type, routed.record, routed.handlers.group, null, 0, null,
                null);
        return attempt(routed, invokers);
    }

    /**
     * The first attempt of a routed record already counted as received (a batch handler's record called alone after
     * its batch failed), with the given handlers.
     */
    Uni<Void> attempt(Routed routed, List<EventInvoker> invokers) {
        HandlerChannel handlers = routed.handlers;
        Context trace = tracing.start(routed.record.consumerRecord(), routed.type, handlers.group,
                routed.decoded.id());
        int[] count = new int[1];
        Attempt first = new Attempt(handlers, routed.record, routed.decoded, routed.type,
                routed.events, trace, count, routed.revoked);
        RetryTopics.State retried = routed.retried;
        Attempt.Retry retry = retried == null ? new Attempt.Retry(routed.origin, 1, null)
                : new Attempt.Retry(routed.origin, retried.attempts() + 1, retried.firstFailure());
        Uni<Void> result = attempts.attempt(first, invokers, retry);
        if (result == PartitionLanes.DONE) {
            EventTracing.end(trace, count[0]);
            return result;
        }
        return result.onTermination().invoke(() -> EventTracing.end(trace, count[0]));
    }
}
