package io.quarkiverse.kafkaevents.runtime.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Routes the records of each handler channel to the generated {@link EventInvoker}s by CloudEvents type, and
 * acknowledges each record once its handlers finished, whatever the outcome, so the consumer never stalls.
 * <p>
 * Handlers of one type are called one after the other, in the order of their class and method names; a failing
 * handler does not keep the next one from being called.
 */
@Singleton
public class HandlerDispatcher {

    private static final Logger LOG = Logger.getLogger(HandlerDispatcher.class);

    /** The handlers of one channel. */
    static final class ChannelHandlers {
        final String channel;
        final String group;
        final Map<String, List<EventInvoker>> byType;
        /** The type plain JSON records are handled as: the only type of the channel, or {@code null}. */
        final String plainType;
        final LongAdder skipped = new LongAdder();
        final LongAdder undecodable = new LongAdder();
        final LongAdder failed = new LongAdder();

        ChannelHandlers(String channel, String group, Map<String, List<EventInvoker>> byType) {
            this.channel = channel;
            this.group = group;
            this.byType = byType;
            this.plainType = byType.size() == 1 ? byType.keySet().iterator().next() : null;
        }
    }

    private final Map<String, ChannelHandlers> channels;
    private final ObjectMapper mapper;

    HandlerDispatcher(@All List<EventInvoker> invokers, ObjectMapper mapper) {
        this.mapper = mapper;
        Config config = ConfigProvider.getConfig();
        String defaultGroup = config.getOptionalValue("quarkus.application.name", String.class).orElse("application");
        List<EventInvoker> sorted = new ArrayList<>(invokers);
        sorted.sort(Comparator.comparing(EventInvoker::handler));
        Map<String, Map<String, List<EventInvoker>>> grouped = new LinkedHashMap<>();
        for (EventInvoker invoker : sorted) {
            grouped.computeIfAbsent(invoker.channel(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(invoker.type(), t -> new ArrayList<>()).add(invoker);
        }
        Map<String, ChannelHandlers> map = new HashMap<>();
        for (Map.Entry<String, Map<String, List<EventInvoker>>> e : grouped.entrySet()) {
            String group = config.getOptionalValue("mp.messaging.incoming." + e.getKey() + ".group.id", String.class)
                    .orElse(defaultGroup);
            map.put(e.getKey(), new ChannelHandlers(e.getKey(), group, e.getValue()));
        }
        this.channels = map;
    }

    /**
     * Handles one record of the channel; the returned {@code Uni} completes once the record is acknowledged.
     */
    public Uni<Void> dispatch(String channel, Message<byte[]> message) {
        ChannelHandlers handlers = channels.get(channel);
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (handlers == null || record == null) {
            LOG.errorf("Kafka Events received a message on channel %s it cannot dispatch; acknowledging it", channel);
            return ack(message);
        }
        DecodedEvent decoded;
        try {
            decoded = DecodedEvent.decode(record.getHeaders(), message.getPayload());
        } catch (RuntimeException e) {
            handlers.undecodable.increment();
            LOG.warnf("Skipping undecodable record %s-%d@%d (group %s): %s", record.getTopic(), record.getPartition(),
                    record.getOffset(), handlers.group, e.getMessage());
            return ack(message);
        }
        String type = decoded.plain() ? handlers.plainType : decoded.type();
        List<EventInvoker> invokers = type == null ? null : handlers.byType.get(type);
        if (invokers == null) {
            handlers.skipped.increment();
            if (LOG.isDebugEnabled()) {
                LOG.debugf("No handler for %s record %s-%d@%d in group %s; skipping it",
                        decoded.plain() ? "plain JSON" : "type " + type, record.getTopic(), record.getPartition(),
                        record.getOffset(), handlers.group);
            }
            return ack(message);
        }
        KafkaEventContext context = new KafkaEventContext(record, decoded, type, handlers.group, 1);
        Uni<Void> chain = Uni.createFrom().voidItem();
        Map<Class<?>, Object> events = new HashMap<>(2);
        for (EventInvoker invoker : invokers) {
            Object event;
            try {
                event = events.get(invoker.eventClass());
                if (event == null) {
                    event = mapper.readValue(decoded.data(), invoker.eventClass());
                    events.put(invoker.eventClass(), event);
                }
            } catch (IOException | RuntimeException e) {
                handlers.undecodable.increment();
                LOG.warnf("Skipping record %s: its payload is not a valid %s: %s", context,
                        invoker.eventClass().getName(), e.getMessage());
                return ack(message);
            }
            Object value = event;
            chain = chain.chain(() -> invoke(invoker, value, context)
                    .onFailure().recoverWithUni(failure -> {
                        handlers.failed.increment();
                        LOG.errorf(failure, "Handler %s failed for record %s (type %s, group %s)", invoker.handler(),
                                context, type, handlers.group);
                        return Uni.createFrom().voidItem();
                    }));
        }
        return chain.chain(() -> ack(message));
    }

    private static Uni<Void> invoke(EventInvoker invoker, Object event, KafkaEventContext context) {
        switch (invoker.kind()) {
            case EventInvoker.BLOCKING:
                return Uni.createFrom().<Void> item(() -> {
                    invoker.invoke(event, context);
                    return null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            case EventInvoker.UNI:
                return Uni.createFrom().deferred(() -> {
                    @SuppressWarnings("unchecked")
                    Uni<Void> result = (Uni<Void>) invoker.invoke(event, context);
                    return result == null ? Uni.createFrom().voidItem() : result.replaceWithVoid();
                });
            default:
                return Uni.createFrom().deferred(() -> {
                    CompletionStage<?> result = (CompletionStage<?>) invoker.invoke(event, context);
                    return result == null ? Uni.createFrom().voidItem()
                            : Uni.createFrom().completionStage(result).replaceWithVoid();
                });
        }
    }

    private static Uni<Void> ack(Message<?> message) {
        return Uni.createFrom().completionStage(message.ack());
    }

    /** Records skipped because no handler takes their type, per channel (for tests and metrics). */
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

    /** The channels with handlers. */
    public java.util.Set<String> channels() {
        return channels.keySet();
    }
}
