package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsInboxConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsOutboxConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.topics.StartupCheck;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.quarkus.arc.All;
import io.quarkus.datasource.common.runtime.DataSourceUtil;

/**
 * At start-up, before any consumer starts: checks that every inbox handler can use the inbox (a blocking handler of
 * one event), that its datasource is there, and creates or validates the table; then makes the {@link Inbox} ready.
 */
@Singleton
public class InboxCheck implements StartupCheck {

    private final List<EventInvoker> invokers;
    private final KafkaEventsConfig config;
    private final Inbox inbox;

    InboxCheck(@All List<EventInvoker> invokers, KafkaEventsConfig config, Inbox inbox) {
        this.invokers = invokers;
        this.config = config;
        this.inbox = inbox;
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        boolean used = false;
        for (EventInvoker invoker : invokers) {
            if (!inbox.enabled(invoker)) {
                for (String setting : new String[] { inbox.keyHeader(invoker) != null ? "inbox-key-header" : null,
                        inbox.keyField(invoker) != null ? "inbox-key-field" : null }) {
                    if (setting != null) {
                        problems.add("quarkus.kafka-events.handlers.\"" + invoker.handler() + "\"." + setting
                                + " is set, but the inbox is off for " + invoker.handler() + ": turn it on"
                                + " (@EventHandler(inbox = true) or quarkus.kafka-events.handlers.\""
                                + invoker.handler() + "\".inbox=true) or remove the setting");
                    }
                }
                continue;
            }
            used = true;
            String unsupported = invoker.batch() ? "a batch handler (it takes a List of events)"
                    : invoker.kind() != EventInvoker.BLOCKING ? "non-blocking (it returns a Uni or CompletionStage)"
                            : null;
            if (unsupported != null) {
                problems.add("The inbox is on for " + invoker.handler() + " (" + why(invoker) + "), which is "
                        + unsupported + ": the inbox needs a blocking handler of one event returning void, called"
                        + " in a JTA transaction. Make it one, or set quarkus.kafka-events.handlers.\""
                        + invoker.handler() + "\".inbox=false");
            }
        }
        if (!used || !problems.isEmpty()) {
            return problems;
        }
        return open();
    }

    /** Which setting turned the inbox on for the handler. */
    private String why(EventInvoker invoker) {
        var handler = config.handlers().get(invoker.handler());
        if (handler != null && handler.inbox().isPresent()) {
            return "quarkus.kafka-events.handlers.\"" + invoker.handler() + "\".inbox=true";
        }
        return invoker.inbox() ? "@EventHandler(inbox = true)" : "quarkus.kafka-events.inbox.enabled=true";
    }

    /** Finds the datasource, checks the connection and the table, and makes the inbox ready. */
    private List<String> open() {
        KafkaEventsInboxConfig settings = config.inbox();
        String name = config.outbox().datasource().orElse(DataSourceUtil.DEFAULT_DATASOURCE_NAME);
        String described = DataSourceUtil.isDefault(name) ? "the default datasource" : "the datasource '" + name + "'";
        Optional<AgroalDataSource> found = AgroalDataSourceUtil.dataSourceInstance(name).isResolvable()
                ? AgroalDataSourceUtil.dataSourceIfActive(name)
                : Optional.empty();
        if (found.isEmpty()) {
            return List.of("The inbox needs " + described + ", which is not configured or not active: set"
                    + " quarkus.datasource" + (DataSourceUtil.isDefault(name) ? "" : ".\"" + name + "\"")
                    + ".jdbc.url (or choose another one with quarkus.kafka-events.outbox.datasource)");
        }
        AgroalDataSource dataSource = found.get();
        InboxStore store;
        try {
            store = new InboxStore(dataSource, settings.table());
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        try {
            try (Connection connection = dataSource.getConnection()) {
                connection.isValid(5);
            }
            switch (settings.schema()) {
                case CREATE -> store.create();
                case VALIDATE -> store.validate();
                default -> {
                }
            }
        } catch (SQLException e) {
            return List.of("The inbox could not " + (settings.schema() == KafkaEventsOutboxConfig.SchemaAction.NONE
                    ? "connect to"
                    : settings.schema().name().toLowerCase() + " its table " + settings.table() + " on")
                    + " " + described + ": " + e.getMessage() + ". Check quarkus.datasource"
                    + (DataSourceUtil.isDefault(name) ? "" : ".\"" + name + "\"") + ".jdbc.url, .username and"
                    + " .password, and that the database accepts connections from here");
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
        inbox.ready(store);
        return List.of();
    }
}
