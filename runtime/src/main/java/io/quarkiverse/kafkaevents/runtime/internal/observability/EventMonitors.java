package io.quarkiverse.kafkaevents.runtime.internal.observability;

import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkus.arc.All;

/**
 * Fans observations out to every {@link EventMonitor} bean (the metrics one included, when Micrometer is present).
 * With no monitor, {@link #active()} is false and callers skip building observations.
 */
@Singleton
public class EventMonitors {

    private static final Logger LOG = Logger.getLogger(EventMonitors.class);

    public enum Kind {
        PUBLISHED,
        RECEIVED,
        HANDLED,
        FAILED,
        RETRIED,
        DEAD_LETTERED,
        SKIPPED
    }

    private final EventMonitor[] monitors;

    EventMonitors(@All List<EventMonitor> monitors) {
        this.monitors = monitors.toArray(EventMonitor[]::new);
    }

    public boolean active() {
        return monitors.length > 0;
    }

    public void notify(Kind kind, EventObservation observation) {
        for (EventMonitor monitor : monitors) {
            try {
                switch (kind) {
                    case PUBLISHED -> monitor.published(observation);
                    case RECEIVED -> monitor.received(observation);
                    case HANDLED -> monitor.handled(observation);
                    case FAILED -> monitor.failed(observation);
                    case RETRIED -> monitor.retried(observation);
                    case DEAD_LETTERED -> monitor.deadLettered(observation);
                    case SKIPPED -> monitor.skipped(observation);
                }
            } catch (RuntimeException | LinkageError e) {
                // a missing class too (a monitor whose library is absent): a monitor never changes what happens to the
                // event. Any other Error (an assertion, a defect) is an unexpected failure of the pipeline: the record
                // is dead-lettered with it as its reason (UnexpectedFailures)
                LOG.warnf(e, "EventMonitor %s failed on %s of %s", monitor.getClass().getName(), kind,
                        observation.eventType());
            }
        }
    }
}
