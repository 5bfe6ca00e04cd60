package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * This instance's proof of life in the database: a session-level advisory lock named after it, held on a connection
 * of its own for as long as it runs. PostgreSQL drops the lock when that session ends, which a process killed with
 * {@code kill -9} ends at once (its sockets close), so the rows it had claimed are free to any other instance right
 * away instead of after their lease. The lease stays the bound when a session cannot be seen to end (a network
 * partition: TCP keepalive decides).
 * <p>
 * With {@code outbox.owner-lock=none} (a pooler in transaction mode, where a session lock outlives or loses its
 * session) there is no lock and no connection of its own: a row is free only when its lease ends.
 */
final class OutboxOwnership implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxOwnership.class);
    /** The first half of every owner lock's key: keeps them apart from other advisory locks. */
    static final String NAMESPACE = "kafka-events-outbox-owner";
    /**
     * The claimers alive: the second halves of the owner locks held now (read once per claim; a CTE, since
     * {@code pg_locks} takes a snapshot of the lock table at each read).
     */
    static final String LIVE_OWNERS = "live_owners AS (SELECT objid FROM pg_locks WHERE locktype = 'advisory'"
            + " AND granted AND objsubid = 2 AND classid = hashtext('" + NAMESPACE + "')::oid)";

    private final DataSource dataSource;
    private final String owner;
    /** Whether there is a lock at all ({@code outbox.owner-lock=session}); without, the lease alone frees rows. */
    private final boolean locked;
    private Connection session;

    OutboxOwnership(DataSource dataSource, String owner, boolean locked) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.locked = locked;
    }

    /**
     * The {@code WITH} clause of a claim: the live owners (with the lock), then {@code more} common table expressions;
     * empty when there are none.
     */
    String with(String more) {
        if (!locked) {
            return more.isEmpty() ? "" : "WITH " + more + " ";
        }
        return "WITH " + LIVE_OWNERS + (more.isEmpty() ? "" : ", " + more) + " ";
    }

    /**
     * A row {@code alias} is free: not leased, its lease over, or (with the lock) leased by an instance whose session
     * ended. Without the lock no owner is ever seen alive, so the lease is all there is to go by.
     */
    String free(String alias) {
        String leaseOver = alias + ".locked_until IS NULL OR " + alias + ".locked_until < now()";
        if (!locked) {
            return "(" + leaseOver + ")";
        }
        return "(" + leaseOver + " OR hashtext(" + alias + ".locked_by)::oid NOT IN (SELECT objid FROM live_owners))";
    }

    /** How many times {@link #sessionChanges} looks: a pooler under load may hand back the same servers once. */
    private static final int PROBE_ROUNDS = 5;

    /**
     * Whether the database session behind one connection changes between its transactions, as behind a pooler in
     * transaction mode (PgBouncer's {@code pool_mode = transaction}), where a session-level lock does not follow the
     * connection. The first connection runs a statement (a transaction of its own); then, twice, a second connection
     * opens a transaction and runs a statement, the first runs another, and the second ends its transaction. Behind
     * such a pooler the second connection's transaction lands on the server the first had just used, or the first's
     * next statement on another server (the two steps cover a pooler that hands out the idle server used last, and
     * one that hands out the one idle longest). On a real session (direct, or a pooler in session mode) neither can
     * happen: the first connection's backend never changes, and two open connections never share one, so this never
     * reports a session that works (it must not run inside a transaction, whose enlisted connections may share one).
     *
     * @return the backend pids that showed a pooler (the first connection's before and after, the second's between),
     *         or {@code null} when none did
     */
    static int[] sessionChanges(DataSource dataSource) throws SQLException {
        try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
            boolean autoCommit = second.getAutoCommit();
            try {
                for (int round = 0; round < PROBE_ROUNDS; round++) {
                    int start = backend(first);
                    int before = start;
                    for (int step = 0; step < 2; step++) {
                        second.setAutoCommit(false);
                        int other = backend(second);
                        int after = backend(first);
                        second.rollback();
                        second.setAutoCommit(true);
                        if (after != start || other == before) {
                            return new int[] { before, after, other };
                        }
                        before = after;
                    }
                }
            } finally {
                second.setAutoCommit(autoCommit);
            }
        }
        return null;
    }

    private static int backend(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            return pid.getInt(1);
        }
    }

    /** Takes the lock, or takes it again when its session was lost (the database restarted); nothing without it. */
    synchronized void hold() throws SQLException {
        if (!locked) {
            return;
        }
        if (session != null) {
            if (session.isValid(2)) {
                return;
            }
            LOG.warnf("The outbox lost its database session (%s); taking it again: rows it had claimed may be sent"
                    + " by other instances too (consumers deduplicate on the CloudEvents id)", owner);
            closeQuietly();
        }
        Connection connection = dataSource.getConnection();
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtext(?), hashtext(?))")) {
            lock.setString(1, NAMESPACE);
            lock.setString(2, owner);
            lock.execute();
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        session = connection;
    }

    @Override
    public synchronized void close() {
        if (session == null) {
            return;
        }
        try (PreparedStatement unlock = session.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), hashtext(?))")) {
            // the connection goes back to the pool: the lock must not stay with it
            unlock.setString(1, NAMESPACE);
            unlock.setString(2, owner);
            unlock.execute();
        } catch (SQLException e) {
            LOG.debugf(e, "Could not release the outbox owner lock of %s", owner);
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (SQLException e) {
            LOG.debugf(e, "Could not close the outbox owner session of %s", owner);
        }
        session = null;
    }
}
