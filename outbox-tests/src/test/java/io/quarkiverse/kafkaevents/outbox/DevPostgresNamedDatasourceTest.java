package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Outbox delivery for the whole application on a named datasource with no URL: the dev PostgreSQL serves that
 * datasource, and it is the one server of this JVM (another test class of the module finds the same one).
 */
public class DevPostgresNamedDatasourceTest {

    static final String TOPIC = "test.devpgnamed.public.payments";

    @EventTopic(value = "payments", domain = "devpgnamed")
    public record PaymentTaken(@PartitionKey String customer, String id) {
    }

    @ApplicationScoped
    public static class Payments {
        @Inject
        EventPublisher publisher;

        @Inject
        @DataSource("payments")
        AgroalDataSource dataSource;

        @Transactional
        void take(String customer, String id) throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS payments (id VARCHAR(64) PRIMARY KEY)");
                statement.execute("INSERT INTO payments (id) VALUES ('" + id + "')");
            }
            publisher.publish(new PaymentTaken(customer, id)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(PaymentTaken.class, Payments.class, RawRecords.class,
                    DevPostgresServer.class))
            .overrideConfigKey("quarkus.application.name", "dev-postgres-named-test")
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.datasource.\"payments\".db-kind", "postgresql")
            .overrideConfigKey("quarkus.kafka-events.outbox.datasource", "payments")
            .overrideConfigKey("quarkus.kafka-events.delivery", "outbox");

    @Inject
    Payments payments;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.datasource.\"payments\".jdbc.url")
    String url;

    @Test
    void committedEventReachesTheBrokerThroughTheNamedDatasource() throws Exception {
        assertTrue(url.startsWith("jdbc:postgresql://localhost:"), url);
        DevPostgresServer.assertOneServerPerJvm(url);
        payments.take("c-7", "p-dev-pg");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean found = false;
        while (!found && System.nanoTime() < deadline) {
            found = RawRecords.readAll(bootstrap, TOPIC).stream()
                    .anyMatch(r -> "c-7".equals(r.key())
                            && new String(r.value(), StandardCharsets.UTF_8).contains("p-dev-pg"));
            if (!found) {
                Thread.sleep(200);
            }
        }
        assertEquals(true, found, "the committed event did not reach " + TOPIC + " within 30 s");
    }
}
