package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drops a SmallRye start-up line about the extension's publisher that only misleads a user: its producer "is configured
 * to write records to 'kafka-events-unrouted'", while every record the publisher sends names its own topic. The same
 * line about the application's own channels passes, and so does everything the logger's previous filter lets through.
 */
public final class UnroutedLineFilter implements Filter {

    static final String CATEGORY = "io.smallrye.reactive.messaging.kafka";
    /** SmallRye's message id of "Kafka producer %s, connected to Kafka brokers '%s', is configured to write ...". */
    static final String MESSAGE_ID = "SRMSG18258";
    private final Filter previous;

    private UnroutedLineFilter(Filter previous) {
        this.previous = previous;
    }

    /** Installs the filter on SmallRye's Kafka logger, once, keeping the filter it had. */
    public static void install() {
        Logger logger = Logger.getLogger(CATEGORY);
        Filter current = logger.getFilter();
        if (!(current instanceof UnroutedLineFilter)) {
            logger.setFilter(new UnroutedLineFilter(current));
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (isUnroutedLine(record)) {
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    static boolean isUnroutedLine(LogRecord record) {
        return hasParameter(record, MESSAGE_ID, KafkaEventPublisher.UNROUTED_TOPIC);
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
