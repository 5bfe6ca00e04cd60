package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Outbox delivery with no datasource URL at all: the extension starts the dev PostgreSQL (and Quarkus' container-based
 * datasource Dev Service stays out of the way, no Docker here), wires it as the default datasource, and an event
 * published in a committed transaction reaches the dev broker.
 */
public class DevPostgresOutboxTest {

    static final String TOPIC = "test.devpg.public.orders";

    @EventTopic(value = "orders", domain = "devpg")
    public record OrderPlaced(@PartitionKey String customer, String id) {
    }

    @ApplicationScoped
    public static class Orders {
        @Inject
        EventPublisher publisher;

        @Inject
        AgroalDataSource dataSource;

        @Transactional
        void place(String customer, String id) throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                insert.setString(1, id);
                insert.executeUpdate();
            }
            publisher.publish(new OrderPlaced(customer, id)).await().atMost(Duration.ofSeconds(10));
        }

        void createTable() throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)");
            }
        }

        String serverVersion() throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SHOW server_version")) {
                result.next();
                return result.getString(1);
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrderPlaced.class, Orders.class, RawRecords.class,
                    DevPostgresServer.class))
            .overrideConfigKey("quarkus.application.name", "dev-postgres-test")
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.kafka-events.events.\"OrderPlaced\".delivery", "outbox");

    @Inject
    Orders orders;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Test
    void committedEventReachesTheBrokerThroughTheDevPostgres() throws Exception {
        assertTrue(url.startsWith("jdbc:postgresql://localhost:"), url);
        DevPostgresServer.assertOneServerPerJvm(url);
        assertTrue(orders.serverVersion().startsWith("17."), orders.serverVersion());
        orders.createTable();
        orders.place("c-1", "o-dev-pg");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ConsumerRecord<String, byte[]> found = null;
        while (found == null && System.nanoTime() < deadline) {
            found = RawRecords.readAll(bootstrap, TOPIC).stream()
                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("o-dev-pg")).findFirst()
                    .orElse(null);
            if (found == null) {
                Thread.sleep(200);
            }
        }
        assertTrue(found != null, "the committed event did not reach " + TOPIC + " within 30 s");
        assertEquals("c-1", found.key());
    }
}
