package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.outbox.TestDatabase;

/**
 * The start-up probe that tells a pooler in transaction mode from real database sessions
 * ({@link OutboxOwnership#sessionChanges}), on the test PostgreSQL: connections that each are a session are never
 * reported; connections that a pooler hands a server per transaction are. The pooler here is a stand-in written for
 * the test (the build has no PgBouncer): it gives each statement outside a transaction, and each transaction, the idle
 * server connection used last (as PgBouncer does by default) or the one idle longest (its {@code server_round_robin}).
 */
class SessionProbeTest {

    @Test
    void realSessionsAreNotReported() throws SQLException {
        for (int i = 0; i < 20; i++) {
            assertNull(OutboxOwnership.sessionChanges(new Sessions()), "a real session reported as pooled");
        }
    }

    @Test
    void transactionPoolingIsReported() throws SQLException {
        // PgBouncer's default: the idle server used last goes out first
        TransactionPooler lastUsedFirst = new TransactionPooler(true, 0);
        try {
            int[] backends = OutboxOwnership.sessionChanges(lastUsedFirst);
            assertNotNull(backends, "transaction pooling (last used first) not seen");
            assertNotEquals(backends[0], backends[1], "the first connection moved to another server");
        } finally {
            lastUsedFirst.close();
        }
        // server_round_robin = 1: the server idle longest goes out first; with two servers the first connection keeps
        // getting the same one, but the second's transaction lands on it in the second step
        TransactionPooler inTurn = new TransactionPooler(false, 2);
        try {
            int[] backends = OutboxOwnership.sessionChanges(inTurn);
            assertNotNull(backends, "transaction pooling (in turn) not seen");
            assertEquals(backends[0], backends[2], "the second connection's transaction ran where the first had been");
        } finally {
            inTurn.close();
        }
    }

    /** Every connection a session of its own (a direct connection). */
    static class Sessions implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(TestDatabase.url(), "postgres", "postgres");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    /**
     * Client connections that hold a server connection only for a statement outside a transaction, or for a
     * transaction: the idle server used last goes out first, or the one idle longest. Covers what the probe calls.
     */
    static final class TransactionPooler extends Sessions {
        private final Deque<Connection> idle = new ArrayDeque<>();
        private final Deque<Connection> all = new ArrayDeque<>();
        private final boolean lastUsedFirst;

        TransactionPooler(boolean lastUsedFirst, int servers) throws SQLException {
            this.lastUsedFirst = lastUsedFirst;
            for (int i = 0; i < servers; i++) {
                Connection server = super.getConnection();
                all.add(server);
                idle.add(server);
            }
        }

        private synchronized Connection take() throws SQLException {
            Connection server = idle.pollFirst();
            if (server == null) {
                server = super.getConnection();
                all.add(server);
            }
            return server;
        }

        private synchronized void giveBack(Connection server) {
            if (lastUsedFirst) {
                idle.addFirst(server);
            } else {
                idle.addLast(server);
            }
        }

        void close() throws SQLException {
            for (Connection server : all) {
                server.close();
            }
        }

        @Override
        public Connection getConnection() {
            Connection[] bound = new Connection[1]; // the server of the transaction running, if any
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getAutoCommit":
                                return bound[0] == null;
                            case "setAutoCommit":
                                if (!(Boolean) args[0] && bound[0] == null) {
                                    bound[0] = take();
                                    bound[0].setAutoCommit(false);
                                } else if ((Boolean) args[0] && bound[0] != null) {
                                    bound[0].setAutoCommit(true);
                                    giveBack(bound[0]);
                                    bound[0] = null;
                                }
                                return null;
                            case "commit":
                            case "rollback":
                                return bound[0] == null ? null : call(bound[0], method, args);
                            case "close":
                                if (bound[0] != null) {
                                    bound[0].rollback();
                                    bound[0].setAutoCommit(true);
                                    giveBack(bound[0]);
                                    bound[0] = null;
                                }
                                return null;
                            case "createStatement":
                                return statement(bound[0]);
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        /** A statement on the transaction's server, or on a server taken for it alone. */
        private Statement statement(Connection transaction) throws SQLException {
            Connection server = transaction != null ? transaction : take();
            Statement statement = server.createStatement();
            return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Statement.class },
                    (proxy, method, args) -> {
                        Object result = call(statement, method, args);
                        if (method.getName().equals("close") && transaction == null) {
                            giveBack(server);
                        }
                        return result;
                    });
        }

        private static Object call(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
