package io.quarkiverse.kafkaevents.runtime.internal;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drops SmallRye's start-up line saying that the publisher's producer "is configured to write records to
 * 'kafka-events-unrouted'": every record the publisher sends names its own topic, so the line only misleads. The same
 * line about any other channel passes, and so does everything the logger's previous filter lets through.
 */
final class UnroutedLineFilter implements Filter {

    static final String CATEGORY = "io.smallrye.reactive.messaging.kafka";
    /** SmallRye's message id of "Kafka producer %s, connected to Kafka brokers '%s', is configured to write ...". */
    static final String MESSAGE_ID = "SRMSG18258";

    private final Filter previous;

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
        if (isUnroutedLine(record)) {
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    static boolean isUnroutedLine(LogRecord record) {
        String message = record.getMessage();
        if (message == null || !message.startsWith(MESSAGE_ID)) {
            return false;
        }
        Object[] parameters = record.getParameters();
        if (parameters == null) {
            return false;
        }
        for (Object parameter : parameters) {
            if (KafkaEventPublisher.UNROUTED_TOPIC.equals(parameter)) {
                return true;
            }
        }
        return false;
    }
}
