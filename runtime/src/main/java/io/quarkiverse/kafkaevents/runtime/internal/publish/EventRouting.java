package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventFormat;
import io.quarkiverse.kafkaevents.runtime.internal.EnvironmentConfigBuilder;
import io.quarkiverse.kafkaevents.runtime.internal.EventTypeConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.EventValidation;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaCheck;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicNames;
import io.quarkus.arc.All;
import io.smallrye.config.SmallRyeConfig;

/**
 * Where each event type goes, resolved once at start-up from the build-time model and the run-time configuration
 * (environment, domain, per-type overrides).
 */
@Singleton
public class EventRouting {

    /**
     * One event type, ready to publish.
     */
    public static final class Route {
        private final EventTypeInfo info;
        private final String topic;
        private final EventFormat format;
        private final PartitionKeyExtractor extractor;
        private final EventTypeConfig config;
        private final KafkaEventsConfig.Delivery delivery;
        private final EventEncoding encoding;
        /** {@code null}: not validated. */
        private final SchemaCheck check;

        Route(EventTypeInfo info, String topic, EventFormat format, PartitionKeyExtractor extractor,
                EventTypeConfig config, KafkaEventsConfig.Delivery delivery, String source, SchemaCheck check) {
            this.check = check;
            this.delivery = delivery;
            this.encoding = new EventEncoding(format, topic, info.getType(), source);
            this.info = info;
            this.topic = topic;
            this.format = format;
            this.extractor = extractor;
            this.config = config;
        }

        public EventTypeInfo info() {
            return info;
        }

        public String topic() {
            return topic;
        }

        public EventFormat format() {
            return format;
        }

        /** How its records are written. */
        public EventEncoding encoding() {
            return encoding;
        }

        /** When events of the type are sent. */
        public KafkaEventsConfig.Delivery delivery() {
            return delivery;
        }

        /** Per-type configuration, or {@code null} when there is none. */
        public EventTypeConfig config() {
            return config;
        }

        /**
         * The event's JSON, once validated against its type's schema ({@code quarkus.kafka-events.validation});
         * throws {@link SchemaCheck.InvalidEventException} when it does not match and the type fails on mismatch.
         */
        public byte[] checked(byte[] json) {
            return check == null ? json : check.check(json);
        }

        /**
         * The record key of the event, or {@code null} for none.
         */
        public String key(Object event) {
            switch (info.getKeyStyle()) {
                case MEMBERS:
                    return extractor.extract(event);
                case INTERFACE:
                    return ((DistributedEvent) event).partitionKey();
                default:
                    return null;
            }
        }
    }

    private final Map<String, Route> byClass;
    private final List<Route> routes;
    private final String environment;
    private final String source;

    EventRouting(EventTypes types, @All List<PartitionKeyExtractor> extractors, KafkaEventsConfig config,
            Instance<DeferredSends> deferredSends, Instance<Outbox> outbox, EventValidation validation) {
        SmallRyeConfig smallRyeConfig = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        String application = smallRyeConfig.getOptionalValue("quarkus.application.name", String.class)
                .orElse("application");
        this.environment = config.environment()
                .orElseGet(() -> EnvironmentConfigBuilder.environmentOf(smallRyeConfig.getProfiles()));
        String defaultDomain = config.domain().orElse(application);
        this.source = config.source().orElse("/" + application);

        Map<String, PartitionKeyExtractor> extractorByClass = new HashMap<>();
        for (PartitionKeyExtractor extractor : extractors) {
            extractorByClass.put(extractor.eventClass(), extractor);
        }
        Map<String, Route> routeMap = new HashMap<>();
        List<Route> all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (EventTypeInfo info : types.all()) {
            EventTypeConfig typeConfig = config.events().get(info.getType());
            String topic = typeConfig != null && typeConfig.topic().isPresent() ? typeConfig.topic().get()
                    : TopicNames.name(environment, info.getDomain().isEmpty() ? defaultDomain : info.getDomain(),
                            info.isInternal(), info.getTopicBase(), info.getVersion());
            String problem = TopicNames.problem(topic);
            if (problem != null) {
                problems.add("topic '" + topic + "' of event type " + info.getClassName() + " is invalid: " + problem
                        + (typeConfig != null && typeConfig.topic().isPresent()
                                ? " (set by quarkus.kafka-events.events.\"" + info.getType() + "\".topic)"
                                : " (made of quarkus.kafka-events.environment \"" + environment
                                        + "\" and the domain \"" + (info.getDomain().isEmpty() ? defaultDomain
                                                : info.getDomain())
                                        + "\", as configured; the name is lower-cased)"));
                continue;
            }
            EventFormat format = typeConfig != null && typeConfig.format().isPresent() ? typeConfig.format().get()
                    : config.format();
            PartitionKeyExtractor extractor = extractorByClass.get(info.getClassName());
            if (info.getKeyStyle() == EventTypeInfo.KeyStyle.MEMBERS && extractor == null) {
                problems.add("no partition key extractor was generated for " + info.getClassName());
                continue;
            }
            KafkaEventsConfig.Delivery delivery = typeConfig != null && typeConfig.delivery().isPresent()
                    ? typeConfig.delivery().get()
                    : config.delivery();
            if (delivery == KafkaEventsConfig.Delivery.AFTER_COMMIT && !deferredSends.isResolvable()) {
                problems.add("event type " + info.getType() + " is to be delivered after commit ("
                        + (typeConfig != null && typeConfig.delivery().isPresent()
                                ? "quarkus.kafka-events.events.\"" + info.getType() + "\".delivery"
                                : "quarkus.kafka-events.delivery")
                        + "=after-commit), which needs a JTA transaction manager: add the quarkus-narayana-jta extension");
                continue;
            }
            if (delivery == KafkaEventsConfig.Delivery.OUTBOX && !outbox.isResolvable()) {
                problems.add("event type " + info.getType() + " is to be delivered through the outbox ("
                        + (typeConfig != null && typeConfig.delivery().isPresent()
                                ? "quarkus.kafka-events.events.\"" + info.getType() + "\".delivery"
                                : "quarkus.kafka-events.delivery")
                        + "=outbox), which needs a JDBC datasource and a JTA transaction manager: add the"
                        + " quarkus-agroal (with a JDBC driver, such as quarkus-jdbc-postgresql) and quarkus-narayana-jta"
                        + " extensions");
                continue;
            }
            Route route = new Route(info, topic, format, extractor, typeConfig, delivery, source,
                    validation.check(info.getType(), info.getClassName(), info.getVersion()));
            routeMap.put(info.getClassName(), route);
            all.add(route);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Kafka Events configuration error: " + String.join("; ", problems));
        }
        this.byClass = routeMap;
        this.routes = Collections.unmodifiableList(all);
    }

    /** The route of the event's class, or {@code null} when it is not an event type. */
    public Route route(Object event) {
        return byClass.get(event.getClass().getName());
    }

    /**
     * The event type of an encoded record: its {@code ce_type} header (binary format), else the only type published
     * to its topic; {@code null} when neither tells.
     */
    public String typeOf(String topic, Headers headers) {
        Header type = headers == null ? null : headers.lastHeader("ce_type");
        if (type != null && type.value() != null) {
            return new String(type.value(), StandardCharsets.UTF_8);
        }
        String found = null;
        for (Route route : routes) {
            if (route.topic().equals(topic)) {
                if (found != null && !found.equals(route.info().getType())) {
                    return null;
                }
                found = route.info().getType();
            }
        }
        return found;
    }

    public Collection<Route> routes() {
        return routes;
    }

    /** The environment segment of topic names. */
    public String environment() {
        return environment;
    }

    /** The CloudEvents source of published events. */
    public String source() {
        return source;
    }
}
