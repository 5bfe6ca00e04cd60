package io.quarkiverse.kafkaevents.benchmarks.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

/** The outbox table as the harness sees it: rows left, and the PostgreSQL server behind it. */
public final class OutboxTable {

    private static final String TABLE = "kafka_events_outbox";

    private final DataSource dataSource;

    public OutboxTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows in the table (sent rows are deleted on the broker's acknowledgement; failed rows stay). */
    public long rows() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + TABLE)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Waits until the table is empty; the rows left when the time is up. */
    public long awaitEmpty(Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long rows;
        while ((rows = rows()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return rows;
    }

    /** The postmaster: the parent of the backend serving a connection. */
    public ProcessHandle postmaster() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            long backend = result.getLong(1);
            return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).orElseThrow(
                    () -> new IllegalStateException("No process found for PostgreSQL backend " + backend));
        }
    }
}
