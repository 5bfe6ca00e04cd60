package io.quarkiverse.kafkaevents.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.TopicPartition;

/**
 * Runs an action (an HTTP call, a publish) and waits until everything it caused has settled: every record written to
 * the application's topics since the session started (events, the events their handlers published, retry records)
 * has been committed by every handler group that reads its topic (retry groups included), no outbox row waits to be
 * sent, and nothing moved (no new record, no handler call, failure or publish reported by the extension) for the
 * quiet window. Handler exceptions and dead letters of the session fail it unless declared expected.
 * <p>
 * Obtained from {@link EventRecorder#session()}; configure, then {@link #run}. Not thread-safe.
 */
public final class TrackedSession {

    /** An action that may throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** The longest a session waits for its action's effects to settle, unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How long nothing must move before a session counts as settled, unless told otherwise. */
    public static final Duration DEFAULT_QUIET = Duration.ofSeconds(2);

    private static final long CHECK_MILLIS = 100;

    private final EventRecorder recorder;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration quiet = DEFAULT_QUIET;
    private boolean failuresExpected;
    private boolean deadLettersExpected;

    TrackedSession(EventRecorder recorder) {
        this.recorder = recorder;
    }

    /** The longest the session waits for the effects to settle (default 30 s); then it fails, naming what is left. */
    public TrackedSession timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** How long nothing must move before the session counts as settled (default 2 s). */
    public TrackedSession quietFor(Duration quiet) {
        this.quiet = Objects.requireNonNull(quiet, "quiet");
        return this;
    }

    /** Handler exceptions are expected: reported in {@link SessionReport#failures()}, not failing the session. */
    public TrackedSession expectFailures() {
        this.failuresExpected = true;
        return this;
    }

    /** Dead letters are expected: reported in {@link SessionReport#deadLetters()}, not failing the session. */
    public TrackedSession expectDeadLetters() {
        this.deadLettersExpected = true;
        return this;
    }

    /**
     * Runs the action, waits until its effects have settled and returns what happened.
     *
     * @throws AssertionError when they did not settle within the timeout (naming the groups and partitions still
     *         behind and the outbox rows waiting), or when a handler failed or a record was dead-lettered and that was
     *         not declared expected
     */
    public SessionReport run(Action action) {
        KitMonitor monitor = recorder.monitor();
        Map<TopicPartition, Long> from = recorder.catchUp();
        int failureMark = monitor.failureCount();
        long started = System.nanoTime();
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("The tracked action failed: " + e, e);
        }
        String lastState = null;
        long lastChange = System.nanoTime();
        while (true) {
            Map<TopicPartition, Long> ends = recorder.catchUp();
            List<String> unhandled = recorder.unhandled();
            long outboxPending = recorder.outboxPending();
            String state = ends + "|" + monitor.activity() + "|" + unhandled.size() + "|" + outboxPending;
            long now = System.nanoTime();
            if (!state.equals(lastState)) {
                lastState = state;
                lastChange = now;
            }
            if (unhandled.isEmpty() && outboxPending == 0 && now - lastChange >= quiet.toNanos()) {
                break;
            }
            if (now - started > timeout.toNanos()) {
                List<String> left = new ArrayList<>(unhandled);
                if (outboxPending > 0) {
                    left.add(outboxPending + " outbox row(s) not sent yet");
                }
                if (left.isEmpty()) {
                    left.add("records kept coming: something moved less than " + quiet.toMillis() + " ms ago");
                }
                throw new AssertionError("Kafka Events: the tracked session did not settle within "
                        + timeout.toMillis() + " ms: " + String.join("; ", left) + "; handler failures so far: "
                        + monitor.failuresSince(failureMark) + "; dead letters so far: "
                        + recorder.deadLettersFrom(from));
            }
            EventRecorder.sleep(CHECK_MILLIS);
        }
        SessionReport report = new SessionReport(recorder, from, monitor.failuresSince(failureMark),
                recorder.deadLettersFrom(from), Duration.ofNanos(System.nanoTime() - started));
        List<String> unexpected = new ArrayList<>();
        if (!failuresExpected) {
            for (HandlerFailure failure : report.failures()) {
                unexpected.add(failure.toString());
            }
        }
        if (!deadLettersExpected) {
            for (DeadLetter letter : report.deadLetters()) {
                unexpected.add(letter.toString());
            }
        }
        if (!unexpected.isEmpty()) {
            AssertionError error = new AssertionError("Kafka Events: the tracked session settled after "
                    + report.duration().toMillis() + " ms with " + unexpected.size()
                    + " unexpected problem(s) (declare them with expectFailures() or expectDeadLetters()):\n  - "
                    + String.join("\n  - ", unexpected));
            for (HandlerFailure failure : failuresExpected ? List.<HandlerFailure> of() : report.failures()) {
                if (failure.failure() != null) {
                    error.addSuppressed(failure.failure());
                }
            }
            throw error;
        }
        return report;
    }
}
