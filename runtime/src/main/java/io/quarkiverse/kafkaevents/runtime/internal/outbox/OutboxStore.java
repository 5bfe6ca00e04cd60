package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.quarkiverse.kafkaevents.runtime.internal.jdbc.ShippedTables;

/**
 * The outbox table on PostgreSQL: rows are written in the caller's transaction, then claimed under a lease (by the
 * fast path right after commit, or by the relay with {@code FOR UPDATE SKIP LOCKED}), sent, and deleted once the broker
 * acknowledged them. A row is claimable only when no earlier row of its key is left, so every key's events reach the
 * topic in the order of their rows; a row the broker refused stays, marked {@code FAILED}, and holds its key only.
 */
final class OutboxStore {

    static final String DDL_RESOURCE = "META-INF/kafka-events/outbox-postgresql.sql";
    private static final String DEFAULT_TABLE = "kafka_events_outbox";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    static final Set<String> COLUMNS = Set.of("id", "seq", "topic", "record_key", "headers", "payload", "created_at",
            "attempts", "next_attempt_at", "locked_until", "locked_by", "status", "last_error", "trace_context");

    /** One row, as sent. */
    record Row(String id, long seq, String topic, String key, byte[] headers, byte[] payload, int attempts,
            String traceContext) {
    }

    private final DataSource dataSource;
    private final String table;
    private final String owner;
    private final OutboxOwnership ownership;

    OutboxStore(DataSource dataSource, String table, String owner, boolean ownerLock) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("quarkus.kafka-events.outbox.table '" + table
                    + "' is not a plain SQL table name ([schema.]name of letters, digits and underscores)");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.owner = owner;
        this.ownership = new OutboxOwnership(dataSource, owner, ownerLock);
    }

    String table() {
        return table;
    }

    /** This instance's owner lock, naming the claims it makes. */
    OutboxOwnership ownership() {
        return ownership;
    }

    /**
     * Writes a row with the connection of the caller's transaction. Rows that have a key are numbered again in commit
     * order before their transaction commits ({@link #sequence}).
     */
    void insert(String id, String topic, String key, byte[] headers, byte[] payload, String traceContext)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (id, topic, record_key, headers, payload, trace_context) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, topic);
                insert.setString(3, key);
                insert.setBytes(4, headers);
                insert.setBytes(5, payload);
                insert.setString(6, traceContext);
                insert.executeUpdate();
            }
        }
    }

    /**
     * Just before a transaction commits, with its connection: takes the transaction-scoped lock of each key (sorted by
     * the lock's own number, so that any two transactions take their common locks in the same order and never
     * deadlock) and gives the transaction's keyed rows new sequence numbers, in the order they were written. A
     * same-key transaction committing meanwhile waits for the lock, so it numbers its rows only after this one has
     * committed: the rows of a key are in commit order, and a row is visible only once every earlier row of its key
     * is. The locks are held from here to the end of the commit only, never across the caller's work.
     */
    void sequence(List<String> keys, List<String> ids) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            // the outer query takes the locks in the order the sorted subquery yields them
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?),"
                    + " sorted.lock) FROM (SELECT DISTINCT hashtext(k) AS lock FROM unnest(?::text[]) AS k ORDER BY 1"
                    + " OFFSET 0) AS sorted")) {
                lock.setString(1, table);
                lock.setArray(2, connection.createArrayOf("text", keys.toArray()));
                lock.execute();
            }
            try (PreparedStatement renumber = connection.prepareStatement("UPDATE " + table
                    + " SET seq = DEFAULT WHERE id = ?")) {
                for (String id : ids) {
                    renumber.setString(1, id);
                    renumber.addBatch();
                }
                renumber.executeBatch();
            }
        }
    }

    /**
     * Claims one row for the fast path; {@code false} when it is not claimable (an earlier row of its key is left,
     * another instance holds it) or when a relay's claim is running, in which case the row is left to the relay.
     * <p>
     * The fast path holds the shared side of the claims' lock while it claims, so a relay's claim (the exclusive side)
     * never runs beside it: a relay that had read a key's rows as free while the fast path took the first of them
     * would otherwise still claim the later ones (they are free) and send them beside the first, out of order. The
     * fast path never waits for that lock: a claim running means the relay is at work, and it sends the row in its
     * next round at the latest.
     */
    boolean claim(String id, Duration lease) throws SQLException {
        String sql = ownership.with("") + "UPDATE " + table + " t SET locked_until = now()"
                + " + make_interval(secs => ?), locked_by = ?, attempts = attempts + 1 WHERE t.id = ? AND t.status ="
                + " 'PENDING' AND " + ownership.free("t") + " AND (t.record_key IS NULL OR NOT EXISTS (SELECT 1"
                + " FROM " + table + " e WHERE e.record_key = t.record_key AND e.seq < t.seq))";
        return inTransaction(connection -> {
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT pg_try_advisory_xact_lock_shared(hashtext(?))")) {
                lock.setString(1, claimLock());
                try (ResultSet taken = lock.executeQuery()) {
                    if (!taken.next() || !taken.getBoolean(1)) {
                        return false;
                    }
                }
            }
            try (PreparedStatement claim = connection.prepareStatement(sql)) {
                claim.setDouble(1, lease.toMillis() / 1000.0);
                claim.setString(2, owner);
                claim.setString(3, id);
                return claim.executeUpdate() == 1;
            }
        });
    }

    /** The advisory lock keeping claims apart: a relay's claim takes it exclusively, a fast path's shared. */
    private String claimLock() {
        return "kafka-events-outbox-claim:" + table;
    }

    /** A piece of work on one connection in one transaction: committed when it returns, rolled back when it throws. */
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Claims up to {@code limit} due rows nobody holds (no lease, the lease over, or, with the owner lock, its
     * holder's database session ended: {@link OutboxOwnership}), in row order: a row whose every earlier row of its key
     * is due and free too (so claimed in the same batch, before it: ORDER BY seq), so a backlog of one key drains a
     * batch at a time rather than a row per round. Claims of all instances are serialized by a transaction-scoped advisory
     * lock, taken before the
     * claim's snapshot: a claim never sees rows another claim (a relay's, or a fast path's: {@link #claim}) is taking
     * as free.
     * <p>
     * Whether all earlier rows of a row's key are due is one pass over the table in key order (a running
     * {@code bool_and} per key), so a claim costs time linear in the backlog whatever the planner knows about the
     * table: a correlated "no earlier row that is not due" subquery per row was quadratic in the rows per key and took
     * seconds with a backlog of some ten thousand rows (the relay then fell further behind with every round). A
     * candidate is checked again as it is locked (PostgreSQL re-evaluates the condition on the row's latest version).
     */
    List<Row> claimDue(int limit, Duration lease) throws SQLException {
        String due = "%1$s.status = 'PENDING' AND %1$s.next_attempt_at <= now() AND " + ownership.free("%1$s");
        String sql = ownership.with("candidates AS MATERIALIZED (SELECT w.id FROM"
                + " (SELECT o.id, o.seq, o.record_key, (" + String.format(due, "o") + ") AS due, bool_and("
                + String.format(due, "o") + ") OVER (PARTITION BY o.record_key ORDER BY o.seq) AS chain_due FROM "
                + table + " o) w WHERE w.due AND (w.record_key IS NULL OR w.chain_due) ORDER BY w.seq LIMIT ?)")
                + "UPDATE " + table + " SET locked_until = now() + make_interval(secs => ?), locked_by = ?,"
                + " attempts = attempts + 1 WHERE id IN (SELECT t.id FROM " + table + " t WHERE t.id = ANY"
                + " (ARRAY(SELECT id FROM candidates)) AND " + String.format(due, "t") + " FOR UPDATE SKIP LOCKED)"
                + " RETURNING id, seq, topic, record_key, headers, payload, attempts, trace_context";
        List<Row> rows = inTransaction(connection -> {
            List<Row> claimed = new ArrayList<>();
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                    PreparedStatement claim = connection.prepareStatement(sql)) {
                lock.setString(1, claimLock());
                lock.execute();
                claim.setInt(1, limit);
                claim.setDouble(2, lease.toMillis() / 1000.0);
                claim.setString(3, owner);
                try (ResultSet result = claim.executeQuery()) {
                    while (result.next()) {
                        claimed.add(new Row(result.getString(1), result.getLong(2), result.getString(3),
                                result.getString(4), result.getBytes(5), result.getBytes(6), result.getInt(7),
                                result.getString(8)));
                    }
                }
            }
            return claimed;
        });
        rows.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return rows;
    }

    /** Gives claimed rows back unsent (an earlier row of their key was not sent), without a backoff. */
    void release(List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET locked_until = NULL,"
                        + " locked_by = NULL WHERE id = ANY (?) AND locked_by = ?")) {
            update.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            update.setString(2, owner);
            update.executeUpdate();
        }
    }

    /** Deletes rows the broker acknowledged. */
    void delete(List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            delete.executeUpdate();
        }
    }

    /** Gives a row back for a later try (broker unavailable). */
    void retryLater(String id, Duration backoff, String error) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET locked_until = NULL,"
                        + " locked_by = NULL, next_attempt_at = now() + make_interval(secs => ?), last_error = ?"
                        + " WHERE id = ?")) {
            update.setDouble(1, backoff.toMillis() / 1000.0);
            update.setString(2, error);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    /** Marks a row the broker refused: kept, holding its key, until retried or skipped by hand. */
    void fail(String id, String error) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET status = 'FAILED',"
                        + " locked_until = NULL, locked_by = NULL, last_error = ? WHERE id = ?")) {
            update.setString(1, error);
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    /** Makes a failed row pending again; {@code false} when there is no failed row with that id. */
    boolean retryFailed(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET status = 'PENDING',"
                        + " next_attempt_at = now() WHERE id = ? AND status = 'FAILED'")) {
            update.setString(1, id);
            return update.executeUpdate() == 1;
        }
    }

    /** Deletes a failed row without sending it; {@code false} when there is no failed row with that id. */
    boolean skipFailed(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                        + " WHERE id = ? AND status = 'FAILED'")) {
            delete.setString(1, id);
            return delete.executeUpdate() == 1;
        }
    }

    /**
     * Up to {@code limit} rows for display, failed ones first, then in row order; the payload is read only when the
     * headers do not carry the type (structured CloudEvents).
     */
    List<OutboxEntry> entries(int limit) throws SQLException {
        String sql = "SELECT id, topic, record_key, headers, CASE WHEN position('ce_type'::bytea IN"
                + " COALESCE(headers, ''::bytea)) = 0 THEN payload END, created_at, attempts, next_attempt_at,"
                + " last_error, status, locked_until > now() FROM " + table
                + " ORDER BY (status = 'FAILED') DESC, seq LIMIT ?";
        List<OutboxEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setInt(1, limit);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    entries.add(new OutboxEntry(result.getString(1),
                            OutboxHeaders.type(result.getBytes(4), result.getBytes(5)), result.getString(2),
                            result.getString(3), instant(result.getTimestamp(6)), result.getInt(7),
                            instant(result.getTimestamp(8)), result.getString(9), result.getString(10),
                            result.getBoolean(11)));
                }
            }
        }
        return entries;
    }

    private static java.time.Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Pending rows, failed rows, and the age of the oldest pending row in milliseconds (0 when none). */
    long[] backlog() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FILTER (WHERE status = 'PENDING'),"
                        + " count(*) FILTER (WHERE status = 'FAILED'), COALESCE(EXTRACT(EPOCH FROM (now() -"
                        + " min(created_at) FILTER (WHERE status = 'PENDING'))) * 1000, 0) FROM " + table)) {
            result.next();
            return new long[] { result.getLong(1), result.getLong(2), result.getLong(3) };
        }
    }

    /** Creates the table and its indexes when missing. */
    void create() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements(table)) {
                statement.execute(sql);
            }
        }
    }

    /** The statements of the shipped DDL, for the given table name, without comments. */
    static List<String> statements(String table) {
        String indexBase = table.replace('.', '_');
        String named = ShippedTables.ddl(DDL_RESOURCE).replace(DEFAULT_TABLE + "_due", "\u0000due")
                .replace(DEFAULT_TABLE + "_key", "\u0000key").replace(DEFAULT_TABLE, table)
                .replace("\u0000due", indexBase + "_due").replace("\u0000key", indexBase + "_key");
        return ShippedTables.statements(named);
    }

    /**
     * Checks that the table exists with every column.
     *
     * @throws IllegalStateException naming the table, the missing columns and where the DDL is
     */
    void validate() throws SQLException {
        ShippedTables.validate(dataSource, table, COLUMNS, "outbox", DDL_RESOURCE);
    }
}
