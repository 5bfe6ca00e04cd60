package io.quarkiverse.kafkaevents.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.QuarkusUnitTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from Maven artifacts, one per test JVM (its URL kept in a system property, since the test
 * and the application under test load this class in different class loaders), closed when the JVM exits; and the
 * datasource settings that point an application at it.
 */
public final class TestDatabase {

    private static final String URL_PROPERTY = "kafka-events.test.postgres-url";
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized String url() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = server().getJdbcUrl("postgres", "postgres");
            System.setProperty(URL_PROPERTY, url);
        }
        return url;
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL server", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    /** The application's default datasource on the test server, and the outbox for every event type. */
    static QuarkusUnitTest withDatabase(QuarkusUnitTest app) {
        return app.overrideConfigKey("quarkus.datasource.db-kind", "postgresql")
                .overrideConfigKey("quarkus.datasource.jdbc.url", url())
                .overrideConfigKey("quarkus.datasource.username", "postgres")
                .overrideConfigKey("quarkus.datasource.password", "postgres")
                .overrideConfigKey("quarkus.datasource.devservices.enabled", "false")
                .overrideConfigKey("quarkus.kafka-events.delivery", "outbox")
                // a free port: several builds may share a machine
                .overrideConfigKey("quarkus.http.test-port", "0");
    }

    static List<String> column(String sql) {
        try (Connection connection = DriverManager.getConnection(url(), "postgres", "postgres");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * The session-level owner locks of the outbox held now, by any instance: the advisory locks in the key namespace
     * of {@code OutboxOwnership}.
     */
    static int ownerLocks() {
        return Integer.parseInt(column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
                + " AND classid = hashtext('kafka-events-outbox-owner')::oid").get(0));
    }

    static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url(), "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static void await(java.util.function.BooleanSupplier condition, String table) {
        await(condition, table, java.time.Duration.ofSeconds(30));
    }

    static void await(java.util.function.BooleanSupplier condition, String table, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout.toSeconds() + " s; outbox rows: "
                        + column("SELECT id || ' ' || status || ' ' || COALESCE(last_error, '') FROM " + table));
            }
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
