package io.quarkiverse.kafkaevents.it.orders.faults;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The outbox scenarios' tools: orders placed and cancelled through an instance's REST API (each request one
 * transaction writing the order and its event's outbox row), the events of chosen keys read raw from the topic, and
 * the database as the instances see it.
 */
final class OutboxSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private OutboxSupport() {
    }

    /** One event read back from the topic. */
    record Event(String type, String id, int partition, long offset, long timestamp, JsonNode payload) {
    }

    /** Places an order through the instance; returns its id when the transaction committed (HTTP 201), else fails. */
    static String place(ChildApp app, String customer, String item) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(app.uri("/orders"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"" + customer + "\",\"item\":\"" + item
                        + "\",\"quantity\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException(app.name + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("id").asText();
    }

    /** Cancels an order through the instance, the reason carrying a sequence number; fails unless HTTP 202. */
    static void cancel(ChildApp app, String orderId, String reason) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(app.uri("/orders/" + orderId + "?reason="
                + reason)).timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException(app.name + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The body of a GET on the instance. */
    static String get(ChildApp app, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on " + app.name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The events whose key is one of the keys, by key, in the order of the topic (one key, one partition). */
    static Map<String, List<Event>> eventsOf(Admin admin, Set<String> keys) throws Exception {
        Map<String, List<Event>> byKey = new HashMap<>();
        FaultSupport.forEachRecord(admin, record -> {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (key != null && keys.contains(key) && record.value() != null) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Event(FaultSupport.header(record, "ce_type"),
                        FaultSupport.header(record, "ce_id"), record.partition(), record.offset(), record.timestamp(),
                        JSON.readTree(record.value())));
            }
        });
        return byKey;
    }

    /** How many events were written more than once (same CloudEvents id). */
    static int duplicates(Map<String, List<Event>> byKey) {
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (List<Event> events : byKey.values()) {
            for (Event event : events) {
                if (!seen.add(event.id())) {
                    duplicates++;
                }
            }
        }
        return duplicates;
    }

    /**
     * The oldest pending outbox rows, described (who holds them, until when, attempts, next attempt, last error), and
     * the pending rows per holder: what a test prints when the outbox is behind.
     */
    static String describeBacklog(DataSource database) {
        StringBuilder out = new StringBuilder("outbox backlog:");
        try (java.sql.Connection connection = database.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT locked_by, count(*), min(created_at)"
                    + " FROM kafka_events_outbox WHERE status = 'PENDING' GROUP BY locked_by")) {
                while (rows.next()) {
                    out.append("\n  held by ").append(rows.getString(1)).append(": ").append(rows.getLong(2))
                            .append(" row(s), oldest created ").append(rows.getTimestamp(3));
                }
            }
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT seq, topic, record_key, created_at,"
                    + " locked_by, locked_until, attempts, next_attempt_at, last_error FROM kafka_events_outbox"
                    + " WHERE status = 'PENDING' ORDER BY seq LIMIT 10")) {
                while (rows.next()) {
                    out.append("\n  row ").append(rows.getLong(1)).append(" ").append(rows.getString(2)).append(" key ")
                            .append(rows.getString(3)).append(" created ").append(rows.getTimestamp(4))
                            .append(" held by ").append(rows.getString(5)).append(" until ")
                            .append(rows.getTimestamp(6)).append(" attempts ").append(rows.getInt(7))
                            .append(" next ").append(rows.getTimestamp(8)).append(" error ").append(rows.getString(9));
                }
            }
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT pid, application_name, state,"
                    + " wait_event_type, wait_event, now() - query_start, left(query, 120) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")) {
                while (rows.next()) {
                    out.append("\n  session ").append(rows.getInt(1)).append(" ").append(rows.getString(2))
                            .append(" ").append(rows.getString(3)).append(" waiting ").append(rows.getString(4))
                            .append("/").append(rows.getString(5)).append(" for ").append(rows.getString(6))
                            .append(": ").append(rows.getString(7));
                }
            }
        } catch (SQLException e) {
            out.append(" could not be read: ").append(e);
        }
        return out.toString();
    }

    /** The ids of the orders of a customer that are in the database. */
    static Set<String> storedOrders(DataSource database, String customer) throws SQLException {
        return strings(database, "SELECT id FROM orders WHERE customerId = ?", customer);
    }

    /** How many outbox rows are left for the keys (for waits: a database error fails the test). */
    static int outboxRowsNow(DataSource database, Set<String> keys) {
        try {
            return outboxRows(database, keys);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** How many outbox rows are left for the keys. */
    static int outboxRows(DataSource database, Set<String> keys) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM kafka_events_outbox WHERE record_key = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("varchar", keys.toArray()));
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    private static Set<String> strings(DataSource database, String sql, String parameter) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            Set<String> values = new HashSet<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    values.add(result.getString(1));
                }
            }
            return values;
        }
    }

}
