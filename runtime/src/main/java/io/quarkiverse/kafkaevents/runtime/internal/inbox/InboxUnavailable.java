package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.topics.StartupCheck;

/**
 * In an application without a JTA transaction manager or a JDBC datasource (no inbox there): fails start-up when a
 * setting turns the inbox on. The annotation's {@code inbox = true} fails the build instead.
 */
@Singleton
public class InboxUnavailable implements StartupCheck {

    static final String NEEDS = "the inbox needs quarkus-narayana-jta and quarkus-agroal (with a JDBC driver, such as"
            + " quarkus-jdbc-postgresql)";

    private final KafkaEventsConfig config;

    InboxUnavailable(KafkaEventsConfig config) {
        this.config = config;
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (config.inbox().enabled()) {
            problems.add("quarkus.kafka-events.inbox.enabled=true: " + NEEDS + "; add them or turn the setting off");
        }
        for (Map.Entry<String, HandlerConfig> handler : config.handlers().entrySet()) {
            if (handler.getValue().inbox().orElse(false)) {
                problems.add("quarkus.kafka-events.handlers.\"" + handler.getKey() + "\".inbox=true: " + NEEDS
                        + "; add them or turn the setting off");
            }
        }
        return problems;
    }
}
