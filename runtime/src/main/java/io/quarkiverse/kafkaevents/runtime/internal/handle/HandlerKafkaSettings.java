package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.quarkiverse.kafkaevents.runtime.internal.EventTypeConfig;
import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkus.arc.All;
import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * Kafka consumer settings per handler ({@code quarkus.kafka-events.handlers."<handler>".kafka.*}) and per event type
 * ({@code quarkus.kafka-events.events."<type>".kafka.*}), applied to the consumers of the generated handler channels
 * (and their retry channels), so that users never need the generated channel names.
 * <p>
 * A channel's settings are those of its event types, overridden by those of its handlers. Two types, or two handlers,
 * of one channel setting a property to different values, and properties the extension owns, are start-up errors
 * ({@link #problems()}, reported by {@code TopicProvisioning}).
 */
@ApplicationScoped
public class HandlerKafkaSettings implements ClientCustomizer<Map<String, Object>> {

    /** Properties the extension sets itself; changing them would break dispatching or the group topology. */
    static final Set<String> RESERVED = Set.of("group.id", "key.deserializer", "value.deserializer",
            "enable.auto.commit");

    private final Map<String, Map<String, String>> byChannel;
    private final List<String> problems;

    HandlerKafkaSettings(KafkaEventsConfig config, @All List<EventInvoker> invokers) {
        List<String> found = new ArrayList<>();
        this.byChannel = resolve(config, invokers, found);
        this.problems = Collections.unmodifiableList(found);
    }

    /** The consumer settings of each handler channel (retry channels included), by channel name. */
    static Map<String, Map<String, String>> resolve(KafkaEventsConfig config, List<EventInvoker> invokers,
            List<String> problems) {
        Map<String, List<EventInvoker>> invokersByChannel = new TreeMap<>();
        for (EventInvoker invoker : invokers) {
            invokersByChannel.computeIfAbsent(invoker.channel(), c -> new ArrayList<>()).add(invoker);
        }
        Map<String, Map<String, String>> result = new TreeMap<>();
        for (Map.Entry<String, List<EventInvoker>> entry : invokersByChannel.entrySet()) {
            Set<String> types = new TreeSet<>();
            Set<String> handlers = new TreeSet<>();
            for (EventInvoker invoker : entry.getValue()) {
                types.add(invoker.type());
                handlers.add(invoker.handler());
            }
            Map<String, String> fromTypes = new TreeMap<>();
            Map<String, String> typeSources = new TreeMap<>();
            for (String type : types) {
                EventTypeConfig typeConfig = config.events().get(type);
                if (typeConfig != null) {
                    merge(fromTypes, typeSources, typeConfig.kafka(),
                            "quarkus.kafka-events.events.\"" + type + "\".kafka", problems);
                }
            }
            Map<String, String> fromHandlers = new TreeMap<>();
            Map<String, String> handlerSources = new TreeMap<>();
            for (String handler : handlers) {
                HandlerConfig handlerConfig = config.handlers().get(handler);
                if (handlerConfig != null) {
                    merge(fromHandlers, handlerSources, handlerConfig.kafka(),
                            "quarkus.kafka-events.handlers.\"" + handler + "\".kafka", problems);
                }
            }
            Map<String, String> settings = new TreeMap<>(fromTypes);
            settings.putAll(fromHandlers);
            if (!settings.isEmpty()) {
                Map<String, String> frozen = Collections.unmodifiableMap(settings);
                result.put(entry.getKey(), frozen);
                result.put(entry.getKey() + RetryTopics.CHANNEL_SUFFIX, frozen);
            }
        }
        return result;
    }

    private static void merge(Map<String, String> into, Map<String, String> sources, Map<String, String> settings,
            String prefix, List<String> problems) {
        for (Map.Entry<String, String> setting : new TreeMap<>(settings).entrySet()) {
            String property = setting.getKey();
            String source = prefix + ".\"" + property + "\"";
            if (RESERVED.contains(property)) {
                String problem = source + " cannot be set: the extension sets " + property + " itself"
                        + (property.equals("group.id")
                                ? " (name the group with quarkus.kafka-events.group-id or @EventHandler(group = ...))"
                                : "");
                if (!problems.contains(problem)) {
                    problems.add(problem);
                }
                continue;
            }
            String previous = into.putIfAbsent(property, setting.getValue());
            if (previous == null) {
                sources.put(property, source);
            } else if (!previous.equals(setting.getValue())) {
                String problem = source + "=" + setting.getValue() + " and " + sources.get(property) + "=" + previous
                        + " apply to the same consumers (their handlers share a topic and a consumer group): set"
                        + " one value";
                if (!problems.contains(problem)) {
                    problems.add(problem);
                }
            }
        }
    }

    /** The problems found in the settings, for the start-up check. */
    public List<String> problems() {
        return problems;
    }

    /** The consumer settings of a channel, empty when it has none. */
    public Map<String, String> of(String channel) {
        return byChannel.getOrDefault(channel, Map.of());
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> kafkaConfig) {
        Map<String, String> settings = byChannel.get(channel);
        if (settings != null) {
            kafkaConfig.putAll(settings);
            String staticId = settings.get(StaticMembership.GROUP_INSTANCE_ID);
            if (staticId != null) {
                kafkaConfig.put(StaticMembership.GROUP_INSTANCE_ID,
                        StaticMembership.explicit(staticId, channelConfig, kafkaConfig, channel));
            }
        }
        return kafkaConfig;
    }
}
