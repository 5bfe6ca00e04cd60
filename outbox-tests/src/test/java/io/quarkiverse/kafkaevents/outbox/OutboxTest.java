package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.TransactionalOutbox;
import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.RecordedEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The outbox on a real PostgreSQL and the dev broker: an event is published if and only if its transaction committed;
 * the record carries the outbox row's id as {@code ce_id}; the row is gone once the broker acknowledged it; a record
 * the broker refuses fails alone, holds back only its own key, and is resolved by an explicit action.
 */
public class OutboxTest {

    static final String TOPIC = "test.outbox.public.orders";

    @EventTopic(value = "orders", domain = "outbox")
    public record OrderPlaced(@PartitionKey String customer, String id, String note) {
    }

    @ApplicationScoped
    public static class Orders {
        @Inject
        EventPublisher publisher;

        @Inject
        AgroalDataSource dataSource;

        @Transactional
        void place(String customer, String id, String note) throws SQLException {
            insertOrder(id);
            publisher.publish(new OrderPlaced(customer, id, note)).await().atMost(Duration.ofSeconds(10));
        }

        @Transactional
        void placeThenFail(String customer, String id) throws SQLException {
            insertOrder(id);
            publisher.publish(new OrderPlaced(customer, id, "")).await().atMost(Duration.ofSeconds(10));
            throw new IllegalStateException("the order " + id + " cannot be paid");
        }

        private void insertOrder(String id) throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                insert.setString(1, id);
                insert.executeUpdate();
            }
        }
    }

    /**
     * An application start-up observer that publishes in outbox mode, before the extension's observers of the default
     * priority: the outbox's table is checked and the store ready before any application observer runs.
     */
    @ApplicationScoped
    public static class Opening {
        @Inject
        EventPublisher publisher;

        @Transactional
        void open(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent startup) {
            publisher.publish(new OrderPlaced("c-startup", "o-startup", "opened at start-up")).await()
                    .atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OrderPlaced.class, Orders.class, Opening.class, RawRecords.class,
                    TestDatabase.class, HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "outbox-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"OrderPlaced\".config.\"max.message.bytes\"", "4096")
            .setBeforeAllCustomizer(() -> TestDatabase.execute(
                    "CREATE TABLE IF NOT EXISTS orders (id VARCHAR(64) PRIMARY KEY)")));

    @Inject
    Orders orders;

    @Inject
    TransactionalOutbox outbox;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** Reads from its first injection on (no per-test reset outside @QuarkusTest; each test's ids are its own). */
    @Inject
    EventRecorder recorder;

    @Test
    void anEventPublishedByAStartupObserverArrives() {
        await(() -> keysAndIds().stream().anyMatch(r -> r.startsWith("c-startup ") && r.contains("o-startup")));
        await(() -> TestDatabase.column("SELECT id FROM kafka_events_outbox WHERE record_key = 'c-startup'")
                .isEmpty());
    }

    @Test
    void publishedIfAndOnlyIfCommitted() throws Exception {
        TestDatabase.column("SELECT id FROM kafka_events_outbox"); // created at start-up
        orders.place("c-1", "o-commit", "first");
        assertThrows(IllegalStateException.class, () -> orders.placeThenFail("c-1", "o-rollback"));

        RecordedEvent<OrderPlaced> record = recorder.awaitEvent(OrderPlaced.class, e -> "o-commit".equals(e.event().id()));
        assertEquals("c-1", record.key());
        assertEquals("OrderPlaced", record.type());
        assertTrue(record.id().length() >= 32, record.id());
        // the order's row is deleted once the broker acknowledged it
        await(() -> TestDatabase.column("SELECT id FROM kafka_events_outbox WHERE convert_from(payload, 'UTF8')"
                + " LIKE '%o-commit%'").isEmpty());
        List<String> stored = TestDatabase.column("SELECT id FROM orders");
        assertTrue(stored.contains("o-commit") && !stored.contains("o-rollback"), stored.toString());
        recorder.assertNotPublished(OrderPlaced.class, e -> "o-rollback".equals(e.event().id()), Duration.ofMillis(1500));
    }

    @Test
    void refusedRecordFailsAloneAndHoldsOnlyItsKey() throws Exception {
        String large = "x".repeat(8000);
        orders.place("c-big", "o-big", large);
        orders.place("c-big", "o-after-big", "small");
        orders.place("c-other", "o-other", "small");

        recorder.awaitEvent(OrderPlaced.class, e -> "o-other".equals(e.event().id()));
        await(() -> TestDatabase.column("SELECT status FROM kafka_events_outbox WHERE payload::text LIKE '%'"
                + " AND convert_from(payload, 'UTF8') LIKE '%o-big%'").equals(List.of("FAILED")));
        String error = TestDatabase.column("SELECT last_error FROM kafka_events_outbox WHERE status = 'FAILED'").get(0);
        assertTrue(error.contains("RecordTooLarge"), error);
        // the key's next event waits
        recorder.assertNotPublished(OrderPlaced.class, e -> "o-after-big".equals(e.event().id()), Duration.ofMillis(1500));

        // visible: metrics and the outbox's wellness check (not readiness: the broker and topics are fine)
        assertEquals(1.0, registry.get("kafka.events.outbox.refused").functionCounter().count());
        TestDatabase.sleep(2100); // the backlog is read at most every two seconds
        assertEquals(1.0, registry.get("kafka.events.outbox.failed").gauge().value());
        assertTrue(registry.get("kafka.events.outbox.pending").gauge().value() >= 1.0);
        HealthProbe.Answer well = HealthProbe.get("well");
        assertTrue(!well.up() && well.body().contains("\"kafka-events-outbox\"") && well.body().contains("\"failed\": 1")
                && well.body().contains("1 row(s) refused by the broker"), well.body());
        HealthProbe.Answer ready = HealthProbe.get("ready");
        assertTrue(ready.up() && !ready.body().contains("pending"), ready.body());

        // explicit action: skip the refused event; the key flows again
        String failed = TestDatabase.column("SELECT id FROM kafka_events_outbox WHERE status = 'FAILED'").get(0);
        assertTrue(outbox.skipFailed(failed));
        recorder.awaitEvent(OrderPlaced.class, e -> "o-after-big".equals(e.event().id()));
        await(() -> TestDatabase.column("SELECT id FROM kafka_events_outbox").isEmpty());
        assertTrue(registry.get("kafka.events.outbox.relayed").functionCounter().count() >= 2);
    }

    private List<String> keysAndIds() {
        return RawRecords.readAll(bootstrap, TOPIC).stream()
                .map(r -> r.key() + " " + new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    static void await(BooleanSupplier condition) {
        TestDatabase.await(condition, "kafka_events_outbox");
    }
}
