package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.Replays;
import io.quarkiverse.kafkaevents.runtime.internal.observability.Mdc;

/**
 * Says why a record was skipped, rate-limited per topic-partition ({@link SkipLog}): a plain JSON record on a topic
 * that carries several handled types (WARN: its type cannot be told, the user has something to fix), and, when the
 * user asked with {@code quarkus.kafka-events.log-unhandled-types}, a record of a type no handler of the group takes
 * (INFO). Otherwise unhandled types are skipped with a DEBUG line: other services' events legitimately share topics.
 */
public final class SkippedRecords {

    private static final Logger LOG = Logger.getLogger(SkippedRecords.class);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final SkipLog limit = new SkipLog(INTERVAL);
    private final boolean logUnhandledTypes;

    public SkippedRecords(boolean logUnhandledTypes) {
        this.logUnhandledTypes = logUnhandledTypes;
    }

    /** A plain JSON record (no CloudEvents type) on a topic whose handled types in the group are {@code types}. */
    void plainOnSharedTopic(PolledRecord record, String group, String topic, List<String> types) {
        long suppressed = limit.admit("plain|" + record.topic() + "-" + record.partition(),
                System.currentTimeMillis());
        if (suppressed < 0) {
            return;
        }
        Object[] saved = Mdc.push(null, null, record.topic(), record.partition(), record.offset());
        try {
            LOG.warnf("Skipped plain JSON record %s-%d@%d (group %s)%s: it carries no CloudEvents type, and topic %s"
                    + " carries several event types %s, so it cannot be told which one it is. Publish CloudEvents"
                    + " (format binary or structured, as EventPublisher does by default) to this topic, or give each"
                    + " type a topic of its own (quarkus.kafka-events.events.\"<type>\".topic). At most one such"
                    + " line per partition per minute",
                    record.topic(), record.partition(), record.offset(), group, more(suppressed), topic, types);
        } finally {
            Mdc.restore(saved);
        }
    }

    /** A dead-letter replay meant for another consumer group. */
    void replayForAnotherGroup(PolledRecord record, String group) {
        if (LOG.isDebugEnabled()) {
            Object[] saved = Mdc.push(null, null, record.topic(), record.partition(), record.offset());
            try {
                LOG.debugf("Skipped record %s-%d@%d in group %s: a dead-letter replay for group %s", record.topic(),
                        record.partition(), record.offset(), group,
                        new String(record.headers().lastHeader(Replays.GROUP).value(), StandardCharsets.UTF_8));
            } finally {
                Mdc.restore(saved);
            }
        }
    }

    /** A record of a type no handler of the group takes. */
    void unhandledType(PolledRecord record, String group, String id, String type) {
        if (!logUnhandledTypes) {
            if (LOG.isDebugEnabled()) {
                LOG.debugf("No handler for type %s record %s-%d@%d in group %s; skipping it", type, record.topic(),
                        record.partition(), record.offset(), group);
            }
            return;
        }
        long suppressed = limit.admit("type|" + record.topic() + "-" + record.partition(),
                System.currentTimeMillis());
        if (suppressed < 0) {
            return;
        }
        Object[] saved = Mdc.push(id, type, record.topic(), record.partition(), record.offset());
        try {
            LOG.infof("Skipped record %s-%d@%d of type %s (group %s)%s: no handler of the group takes this type. Add an"
                    + " @EventHandler for it if this service should handle it; records of other types on a shared"
                    + " topic are expected, set quarkus.kafka-events.log-unhandled-types=false to stop these lines."
                    + " At most one such line per partition per minute",
                    record.topic(), record.partition(), record.offset(), type, group, more(suppressed));
        } finally {
            Mdc.restore(saved);
        }
    }

    private static String more(long suppressed) {
        return suppressed > 0 ? " (and " + suppressed + " more of this partition since the previous such line)" : "";
    }
}
