package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * Static group membership for the handlers' consumers when {@code quarkus.kafka-events.instance-id} is set: each
 * consumer gets a {@code group.instance.id} made of the instance identity and its client id (unique per channel and
 * per consumer of a channel), so a restarted instance takes its partitions back without waiting for a session timeout.
 * An explicit {@code group.instance.id} of a handler is kept for a channel with one consumer; with several
 * ({@code concurrency > 1}) each consumer gets the explicit id followed by its client id, since consumers sharing a
 * static id fence each other.
 */
@ApplicationScoped
public class StaticMembership implements ClientCustomizer<Map<String, Object>> {

    static final String GROUP_INSTANCE_ID = "group.instance.id";

    private final KafkaEventsConfig config;
    private final HandlerDispatcher dispatcher;

    StaticMembership(KafkaEventsConfig config, HandlerDispatcher dispatcher) {
        this.config = config;
        this.dispatcher = dispatcher;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> kafkaConfig) {
        if (config.instanceId().isEmpty() || !dispatcher.channels().contains(channel)
                || !kafkaConfig.containsKey("group.id") || kafkaConfig.containsKey(GROUP_INSTANCE_ID)) {
            // an explicit id is the handler's setting, made distinct per consumer by HandlerKafkaSettings
            return kafkaConfig;
        }
        Object clientId = kafkaConfig.getOrDefault("client.id", channel);
        kafkaConfig.put(GROUP_INSTANCE_ID, config.instanceId().get().trim() + "." + clientId);
        return kafkaConfig;
    }

    /**
     * The static id of one consumer of a channel whose handler set {@code group.instance.id}: as set for a channel
     * with one consumer; followed by the consumer's client id (stable across restarts) when the channel has several,
     * since consumers sharing a static id fence each other.
     */
    static String explicit(String configured, Config channelConfig, Map<String, Object> kafkaConfig, String channel) {
        if (channelConfig.getOptionalValue("partitions", Integer.class).orElse(1) <= 1) {
            return configured;
        }
        return configured.trim() + "." + kafkaConfig.getOrDefault("client.id", channel);
    }
}
