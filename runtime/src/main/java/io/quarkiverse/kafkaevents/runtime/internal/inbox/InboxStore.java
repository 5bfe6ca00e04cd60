package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.quarkiverse.kafkaevents.runtime.internal.jdbc.ShippedTables;

/**
 * The inbox table on PostgreSQL: one row per (consumer group, handler, event id) handled. A claim is one insert that
 * either adds the row or finds it there ({@code ON CONFLICT DO NOTHING}); a concurrent claim of the same event by
 * another transaction waits for that transaction, then finds the row (it committed) or adds it (it rolled back).
 */
final class InboxStore {

    static final String DDL_RESOURCE = "META-INF/kafka-events/inbox-postgresql.sql";
    private static final String DEFAULT_TABLE = "kafka_events_inbox";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    static final Set<String> COLUMNS = Set.of("consumer_group", "handler", "event_id", "handled_at");

    private final DataSource dataSource;
    private final String table;
    private final String claim;
    private final String cleanup;

    InboxStore(DataSource dataSource, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("quarkus.kafka-events.inbox.table '" + table
                    + "' is not a plain SQL table name ([schema.]name of letters, digits and underscores)");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.claim = "INSERT INTO " + table + " (consumer_group, handler, event_id) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING";
        this.cleanup = "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
                + " WHERE handled_at < now() - ? * interval '1 millisecond' LIMIT ?)";
    }

    String table() {
        return table;
    }

    /**
     * Claims the event for the handler with the connection of the current transaction: {@code true} when this
     * transaction added the row, {@code false} when a committed one had it already.
     */
    boolean claim(String group, String handler, String eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(claim)) {
            insert.setString(1, group);
            insert.setString(2, handler);
            insert.setString(3, eventId);
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Deletes up to {@code limit} entries older than {@code retention}, outside any transaction of the caller (each
     * statement commits on its own); returns how many.
     */
    int deleteOlderThan(Duration retention, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(cleanup)) {
            delete.setLong(1, retention.toMillis());
            delete.setInt(2, limit);
            return delete.executeUpdate();
        }
    }

    /** Creates the table and its index when missing. */
    void create() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements(table)) {
                statement.execute(sql);
            }
        }
    }

    /** The statements of the shipped DDL, for the given table name, without comments. */
    static List<String> statements(String table) {
        String named = ShippedTables.ddl(DDL_RESOURCE).replace(DEFAULT_TABLE + "_handled", "\u0000handled")
                .replace(DEFAULT_TABLE, table).replace("\u0000handled", table.replace('.', '_') + "_handled");
        return ShippedTables.statements(named);
    }

    /**
     * Checks that the table exists with every column.
     *
     * @throws IllegalStateException naming the table, the missing columns and where the DDL is
     */
    void validate() throws SQLException {
        ShippedTables.validate(dataSource, table, COLUMNS, "inbox", DDL_RESOURCE);
    }
}
