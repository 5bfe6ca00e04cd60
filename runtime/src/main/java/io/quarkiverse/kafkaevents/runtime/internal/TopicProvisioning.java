package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates or validates the application's topics at start-up, before SmallRye Reactive Messaging connects its
 * channels.
 */
@Singleton
public class TopicProvisioning {

    private static final Logger LOG = Logger.getLogger(TopicProvisioning.class);

    void provision(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 100) StartupEvent startup,
            EventRouting routing, KafkaEventsConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        List<TopicSpec> topics = topics(routing, config);
        if (topics.isEmpty() || config.topics().provisioning() == KafkaEventsConfig.Provisioning.NONE) {
            return;
        }
        List<String> created = new TopicProvisioner(kafkaConfig, config.topics().timeout()).provision(topics,
                config.topics().provisioning());
        if (!created.isEmpty()) {
            LOG.infof("Created Kafka topics %s", created);
        }
    }

    static List<TopicSpec> topics(EventRouting routing, KafkaEventsConfig config) {
        List<TopicSpec> topics = new ArrayList<>();
        KafkaEventsConfig.TopicsConfig defaults = config.topics();
        for (EventRouting.Route route : routing.routes()) {
            KafkaEventsConfig.EventTypeConfig typeConfig = route.config();
            int partitions = defaults.partitions();
            Optional<Short> replication = defaults.replicationFactor();
            Map<String, String> topicConfig = new TreeMap<>(defaults.config());
            if (typeConfig != null) {
                partitions = typeConfig.partitions().orElse(partitions);
                replication = typeConfig.replicationFactor().or(() -> defaults.replicationFactor());
                topicConfig.putAll(typeConfig.config());
            }
            topics.add(new TopicSpec(route.topic(), partitions, replication, topicConfig,
                    "event type " + route.info().getType() + " (" + route.info().getClassName() + ")"));
        }
        return topics;
    }
}
