package io.quarkiverse.kafkaevents.runtime.internal.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.EventTypeConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerKafkaSettings;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.topics.BrokerProbe;
import io.quarkiverse.kafkaevents.runtime.internal.topics.StartupCheck;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioner;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioningException;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicSpec;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates or validates the application's topics at start-up, before SmallRye Reactive Messaging connects its
 * channels.
 */
@Singleton
public class TopicProvisioning {

    private static final Logger LOG = Logger.getLogger(TopicProvisioning.class);

    private volatile List<String> topics = List.of();
    private volatile boolean done;

    /** Whether start-up provisioning has finished. */
    public boolean done() {
        return done;
    }

    /** Every topic the application needs (event topics, retry topics and dead-letter topics). */
    public List<String> topics() {
        return topics;
    }

    /**
     * Checks everything start-up needs, before SmallRye starts any consumer (so a failing instance never joins its
     * groups and rebalances the healthy ones), and fails once with every problem found: unknown setting keys, the
     * prerequisites of other parts ({@link StartupCheck}: the outbox's datasource and table), an unreachable broker,
     * missing topics.
     */
    void provision(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 100) StartupEvent startup,
            EventRouting routing, HandlerDispatcher dispatcher, KafkaEventsConfig config,
            HandlerKafkaSettings consumerSettings,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, Instance<StartupCheck> checks) {
        List<String> problems = new ArrayList<>(settingKeyProblems(routing, dispatcher, config,
                consumerSettings.problems()));
        for (StartupCheck check : checks) {
            problems.addAll(check.problems());
        }
        List<TopicSpec> topics = topics(routing, config, dispatcher.handledTypes());
        topics.addAll(derivedTopics(topics, dispatcher, config));
        this.topics = topics.stream().map(TopicSpec::name).distinct().sorted().toList();
        if (!topics.isEmpty() && config.topics().provisioning() != KafkaEventsConfig.Provisioning.NONE) {
            try {
                // one clear message for a missing or unreachable broker, before any Kafka client starts warning
                BrokerProbe.check(kafkaConfig, config.topics().timeout());
                List<String> created = new TopicProvisioner(kafkaConfig, config.topics().timeout()).provision(topics,
                        config.topics().provisioning());
                if (!created.isEmpty()) {
                    LOG.infof("Created Kafka topics %s", created);
                }
            } catch (TopicProvisioningException | IllegalStateException e) {
                // no broker configured, none reachable, topics missing: reported with the other problems
                if (problems.isEmpty()) {
                    throw e;
                }
                problems.add(e.getMessage());
            }
        }
        if (problems.size() == 1) {
            throw new IllegalStateException(problems.get(0).startsWith("Kafka Events") ? problems.get(0)
                    : "Kafka Events configuration error: " + problems.get(0));
        }
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("Kafka Events cannot start: ").append(problems.size())
                    .append(" problems");
            for (int i = 0; i < problems.size(); i++) {
                message.append("\n").append(i + 1).append(". ").append(problems.get(i));
            }
            throw new IllegalStateException(message.toString());
        }
        done = true;
    }

    /**
     * The keys of {@code quarkus.kafka-events.events} or {@code handlers} that name no event type or handler method (a
     * typo would otherwise silently leave the defaults in place), each with what exists, and the problems of the
     * handlers' Kafka settings: start-up fails with them.
     */
    static List<String> settingKeyProblems(EventRouting routing, HandlerDispatcher dispatcher, KafkaEventsConfig config,
            List<String> consumerSettingProblems) {
        List<String> problems = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (EventRouting.Route route : routing.routes()) {
            types.add(route.info().getType());
        }
        for (String key : new TreeSet<>(config.events().keySet())) {
            if (!types.contains(key)) {
                problems.add("quarkus.kafka-events.events.\"" + key + "\" names no event type; the event types are "
                        + types);
            }
        }
        Set<String> handlers = dispatcher.handlerLabels();
        for (String key : new TreeSet<>(config.handlers().keySet())) {
            if (!handlers.contains(key)) {
                problems.add("quarkus.kafka-events.handlers.\"" + key + "\" names no @EventHandler method; the handler"
                        + " methods are " + handlers + " (keys are <class name>#<method name>)");
            }
        }
        problems.addAll(consumerSettingProblems);
        return problems;
    }

    /**
     * The topics derived from each consumed topic: its dead-letter topic and, in mode {@code retry-topics}, its retry
     * topics, all with the partition count of the consumed topic.
     */
    static List<TopicSpec> derivedTopics(List<TopicSpec> sources, HandlerDispatcher dispatcher,
            KafkaEventsConfig config) {
        List<TopicSpec> derived = new ArrayList<>();
        Set<String> consumed = new TreeSet<>();
        dispatcher.topics().values().forEach(consumed::addAll);
        for (String topic : consumed) {
            // a consumed topic is the topic of its event types, so it is among the sources
            int partitions = 0;
            Optional<Short> replication = config.topics().replicationFactor();
            for (TopicSpec source : sources) {
                if (source.name().equals(topic) && source.partitions() > partitions) {
                    partitions = source.partitions();
                    replication = source.replicationFactor();
                }
            }
            if (partitions == 0) {
                partitions = config.topics().partitions();
            }
            for (String retryTopic : dispatcher.retryTopics(topic)) {
                derived.add(new TopicSpec(retryTopic, partitions, replication, Map.of(),
                        "retries of " + topic));
            }
            String deadLetterTopic = dispatcher.deadLetterTopic(topic);
            if (deadLetterTopic != null) {
                derived.add(new TopicSpec(deadLetterTopic, partitions, replication, Map.of(),
                        "dead-letter records of " + topic));
            }
        }
        return derived;
    }

    /**
     * The event topics this service uses: of the types it handles, and of the types its own code declares or refers
     * to (which it may publish), unless configured otherwise per type.
     */
    static List<TopicSpec> topics(EventRouting routing, KafkaEventsConfig config, Set<String> handledTypes) {
        List<TopicSpec> topics = new ArrayList<>();
        KafkaEventsConfig.TopicsConfig defaults = config.topics();
        for (EventRouting.Route route : routing.routes()) {
            EventTypeConfig typeConfig = route.config();
            boolean used = handledTypes.contains(route.info().getType()) || route.info().isUsedByApplication();
            if (!(typeConfig != null && typeConfig.provision().isPresent() ? typeConfig.provision().get() : used)) {
                LOG.debugf("Not provisioning topic %s of event type %s: this service neither handles it nor uses it in"
                        + " its code", route.topic(), route.info().getType());
                continue;
            }
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
