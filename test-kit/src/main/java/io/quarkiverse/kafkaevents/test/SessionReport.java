package io.quarkiverse.kafkaevents.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link TrackedSession} saw once its action's effects settled.
 */
public final class SessionReport {

    private final EventRecorder recorder;
    private final Map<TopicPartition, Long> from;
    private final List<HandlerFailure> failures;
    private final List<DeadLetter> deadLetters;
    private final Duration duration;

    SessionReport(EventRecorder recorder, Map<TopicPartition, Long> from, List<HandlerFailure> failures,
            List<DeadLetter> deadLetters, Duration duration) {
        this.recorder = recorder;
        this.from = from;
        this.failures = failures;
        this.deadLetters = deadLetters;
        this.duration = duration;
    }

    /** The events of this class published during the session (decoded and checked against their schema). */
    public <T> List<RecordedEvent<T>> events(Class<T> eventClass) {
        return recorder.eventsFrom(eventClass, from);
    }

    /** The handler attempts that threw during the session, in the order reported. */
    public List<HandlerFailure> failures() {
        return failures;
    }

    /** The records dead-lettered during the session. */
    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** From the start of the action until the session counted as settled (the quiet window included). */
    public Duration duration() {
        return duration;
    }

    @Override
    public String toString() {
        return "session of " + duration.toMillis() + " ms: failures " + failures + ", dead letters " + deadLetters;
    }
}
