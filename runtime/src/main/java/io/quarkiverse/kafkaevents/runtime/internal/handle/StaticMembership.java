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
 * An explicit {@code group.instance.id} of a channel is left alone.
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
            return kafkaConfig;
        }
        Object clientId = kafkaConfig.getOrDefault("client.id", channel);
        kafkaConfig.put(GROUP_INSTANCE_ID, config.instanceId().get().trim() + "." + clientId);
        return kafkaConfig;
    }
}
