package io.quarkiverse.kafkaevents.deployment.failures;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures the log records of a category with their message formatted and their MDC copied when logged (the MDC of a
 * JBoss log record is otherwise read later, from whatever thread asks).
 */
public final class CapturedLogs extends Handler implements AutoCloseable {

    /** A captured log line. */
    public record Line(int level, String message, Map<String, String> mdc) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;

    private CapturedLogs(String category) {
        this.logger = Logger.getLogger(category);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    public static CapturedLogs of(String category) {
        return new CapturedLogs(category);
    }

    @Override
    public void publish(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            lines.add(new Line(ext.getLevel().intValue(), ext.getFormattedMessage(), Map.copyOf(ext.getMdcCopy())));
        } else {
            lines.add(new Line(record.getLevel().intValue(), new java.util.logging.SimpleFormatter().formatMessage(record),
                    Map.of()));
        }
    }

    public List<Line> lines(Predicate<String> message) {
        return lines.stream().filter(line -> message.test(line.message())).toList();
    }

    /** The first line whose message matches, waiting for it up to 30 s. */
    public Line await(Predicate<String> message) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Line line : lines) {
                if (message.test(line.message())) {
                    return line;
                }
            }
            FailureRecords.sleep(100);
        }
        throw new AssertionError("no log line matched; captured: " + lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
