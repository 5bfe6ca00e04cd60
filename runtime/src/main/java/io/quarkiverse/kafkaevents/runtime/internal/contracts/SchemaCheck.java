package io.quarkiverse.kafkaevents.runtime.internal.contracts;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The check of one event type's JSON against its compiled schema, failing or warning as configured.
 */
public final class SchemaCheck {

    private static final Logger LOG = Logger.getLogger(EventValidation.class);
    private static final long WARN_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    /** Rules named in one message, at most. */
    private static final int SHOWN = 5;

    private final String type;
    private final String className;
    private final Schema schema;
    private final ObjectMapper reader;
    private final boolean fail;
    /** What a warning says happened to the event, with the setting that asked for it. */
    private final String warned;
    /** When the next warning may be logged ({@code System.nanoTime()}); {@code warn} only. */
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    /** Invalid events not warned about since the last warning. */
    private final AtomicLong unwarned = new AtomicLong();

    SchemaCheck(String type, String className, Schema schema, ObjectMapper reader, boolean fail, String warned) {
        this.type = type;
        this.className = className;
        this.schema = schema;
        this.reader = reader;
        this.fail = fail;
        this.warned = warned;
    }

    /**
     * Checks the event's JSON: returns it when it matches (or when it does not and the type only warns), throws
     * {@link InvalidEventException} when it does not and the type fails.
     */
    public byte[] check(byte[] json) {
        List<Error> errors;
        try {
            JsonNode node = reader.readTree(json);
            errors = schema.validate(node);
        } catch (JacksonException e) {
            // the publisher wrote it: not expected, and not the event's fault
            LOG.debugf(e, "Kafka Events: could not read the JSON of an event of type %s for validation", type);
            return json;
        }
        if (errors.isEmpty()) {
            return json;
        }
        if (fail) {
            throw new InvalidEventException(describe(errors));
        }
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_INTERVAL)) {
            long skipped = unwarned.getAndSet(0);
            LOG.warnf("%s; %s%s", describe(errors), warned,
                    skipped == 0 ? "" : "; " + skipped + " more invalid events of this type since the last warning");
        } else {
            unwarned.incrementAndGet();
        }
        return json;
    }

    /** Names the type and each broken rule: its JSON path (instance location), keyword and message. */
    private String describe(List<Error> errors) {
        StringBuilder message = new StringBuilder("Event of type ").append(type).append(" (").append(className)
                .append(") does not match its JSON Schema: ");
        for (int i = 0; i < errors.size() && i < SHOWN; i++) {
            Error error = errors.get(i);
            if (i > 0) {
                message.append("; ");
            }
            String path = error.getInstanceLocation().toString();
            message.append(path.isEmpty() ? "(root)" : path).append(": ").append(error.getMessage())
                    .append(" (rule '").append(error.getKeyword()).append("')");
        }
        if (errors.size() > SHOWN) {
            message.append("; and ").append(errors.size() - SHOWN).append(" more");
        }
        return message.toString();
    }

    /** An event that does not match its type's schema, with {@code validation=fail}. */
    public static final class InvalidEventException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidEventException(String message) {
            super(message);
        }
    }
}
