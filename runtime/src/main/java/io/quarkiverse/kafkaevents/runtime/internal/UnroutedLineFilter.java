package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Drops two SmallRye start-up lines about the extension's own channels that only mislead a user:
 * <ul>
 * <li>the publisher's producer "is configured to write records to 'kafka-events-unrouted'": every record the publisher
 * sends names its own topic;</li>
 * <li>the WARN "Will not health check throttled commit strategy for group ..." of each handler channel: the extension
 * turns SmallRye's age limit off on purpose, and its own liveness check reports partitions that make no progress.</li>
 * </ul>
 * The same lines about the application's own channels pass, and so does everything the logger's previous filter lets
 * through.
 */
final class UnroutedLineFilter implements Filter {

    static final String CATEGORY = "io.smallrye.reactive.messaging.kafka";
    /** SmallRye's message id of "Kafka producer %s, connected to Kafka brokers '%s', is configured to write ...". */
    static final String MESSAGE_ID = "SRMSG18258";
    /** SmallRye's message id of "Will not health check throttled commit strategy for group '%s'". */
    static final String NO_HEALTH_CHECK_ID = "SRMSG18235";
    /** The generated handler channels (and their retry channels) are named {@code kafka-events-<topic>-<hash>}. */
    private static final String HANDLER_CHANNELS = "mp.messaging.incoming.kafka-events-";

    private final Filter previous;
    private volatile Set<String> handlerGroups;

    private UnroutedLineFilter(Filter previous) {
        this.previous = previous;
    }

    /** Installs the filter on SmallRye's Kafka logger, once, keeping the filter it had. */
    static void install() {
        Logger logger = Logger.getLogger(CATEGORY);
        Filter current = logger.getFilter();
        if (!(current instanceof UnroutedLineFilter)) {
            logger.setFilter(new UnroutedLineFilter(current));
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (isUnroutedLine(record) || isHandlerHealthLine(record)) {
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    static boolean isUnroutedLine(LogRecord record) {
        return hasParameter(record, MESSAGE_ID, KafkaEventPublisher.UNROUTED_TOPIC);
    }

    private boolean isHandlerHealthLine(LogRecord record) {
        String message = record.getMessage();
        if (message == null || !message.startsWith(NO_HEALTH_CHECK_ID)) {
            return false;
        }
        Set<String> groups = handlerGroups;
        if (groups == null) {
            groups = handlerGroups();
            handlerGroups = groups;
        }
        Object[] parameters = record.getParameters();
        return parameters != null && parameters.length > 0 && groups.contains(String.valueOf(parameters[0]));
    }

    /** The consumer groups of the generated handler channels, read once from the configuration. */
    private static Set<String> handlerGroups() {
        Set<String> groups = new HashSet<>();
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(HANDLER_CHANNELS) && name.endsWith(".group.id")) {
                config.getOptionalValue(name, String.class).ifPresent(groups::add);
            }
        }
        return groups;
    }

    private static boolean hasParameter(LogRecord record, String messageId, String value) {
        String message = record.getMessage();
        if (message == null || !message.startsWith(messageId)) {
            return false;
        }
        Object[] parameters = record.getParameters();
        if (parameters == null) {
            return false;
        }
        for (Object parameter : parameters) {
            if (value.equals(parameter)) {
                return true;
            }
        }
        return false;
    }
}
