package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code after-commit} delivery: an event published in a JTA transaction reaches the topic only once the transaction
 * committed, and never when it rolls back; outside a transaction it is sent at once; a type configured
 * {@code immediate} is sent at once even inside one.
 */
public class AfterCommitTest {

    static final String TOPIC = "test.after-commit.public.bookings";
    static final String AUDIT_TOPIC = "test.after-commit.public.audits";

    @EventTopic(value = "bookings", domain = "after-commit")
    public record BookingMade(@PartitionKey String id) {
    }

    @EventTopic(value = "audits", domain = "after-commit")
    public record AuditWritten(@PartitionKey String id) {
    }

    @ApplicationScoped
    public static class Bookings {
        @Inject
        EventPublisher publisher;

        @Inject
        TransactionSynchronizationRegistry registry;

        @ConfigProperty(name = "kafka.bootstrap.servers")
        String bootstrap;

        /** Publishes, then checks (still inside the transaction) that nothing is on the topic yet. */
        @Transactional
        List<String> book(String id) {
            publisher.publish(new BookingMade(id)).await().atMost(Duration.ofSeconds(10));
            return keys(bootstrap, TOPIC);
        }

        @Transactional
        void bookThenFail(String id) {
            publisher.publish(new BookingMade(id)).await().atMost(Duration.ofSeconds(10));
            throw new IllegalStateException("payment declined for " + id);
        }

        @Transactional
        void bookThenMarkRollback(String id) {
            publisher.publish(new BookingMade(id)).await().atMost(Duration.ofSeconds(10));
            registry.setRollbackOnly();
        }

        @Transactional
        void auditThenFail(String id) {
            publisher.publish(new AuditWritten(id)).await().atMost(Duration.ofSeconds(30));
            throw new IllegalStateException("rolled back after an immediate publish of " + id);
        }

        @Transactional
        void publishWhenMarkedRollback(String id) {
            registry.setRollbackOnly();
            publisher.publish(new BookingMade(id)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BookingMade.class, AuditWritten.class, Bookings.class,
                    RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "after-commit-test")
            .overrideConfigKey("quarkus.kafka-events.delivery", "after-commit")
            .overrideConfigKey("quarkus.kafka-events.events.\"AuditWritten\".delivery", "immediate")
            .overrideConfigKey("quarkus.kafka-events.events.\"BookingMade\".partitions", "1");

    @Inject
    Bookings bookings;

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void commitSendsRollbackDiscards() {
        List<String> seenInsideTransaction = bookings.book("b-commit");
        assertTrue(!seenInsideTransaction.contains("b-commit"), "sent before the commit: " + seenInsideTransaction);
        assertThrows(IllegalStateException.class, () -> bookings.bookThenFail("b-exception"));
        bookings.bookThenMarkRollback("b-marked");
        assertThrows(RuntimeException.class, () -> bookings.auditThenFail("a-immediate"));
        publisher.publish(new BookingMade("b-outside")).await().atMost(Duration.ofSeconds(30));
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> bookings.publishWhenMarkedRollback("b-doomed"));
        assertTrue(String.valueOf(refused.getMessage()).contains("marked for rollback")
                || String.valueOf(refused.getCause()).contains("marked for rollback"), refused.toString());

        await(() -> keys(bootstrap, TOPIC).contains("b-outside") && keys(bootstrap, TOPIC).contains("b-commit"));
        // after the ones that must arrive, give a wrongly held one time to show up
        sleep(1500);
        List<String> booked = keys(bootstrap, TOPIC);
        assertEquals(List.of("b-commit", "b-outside"), booked.stream().sorted().toList(),
                "only committed and non-transactional bookings are on the topic");
        assertEquals(List.of("a-immediate"), keys(bootstrap, AUDIT_TOPIC),
                "an immediate type is sent at once, whatever the transaction does");
    }

    static List<String> keys(String bootstrap, String topic) {
        return RawRecords.readAll(bootstrap, topic).stream().map(ConsumerRecord::key).toList();
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not published within 30 s");
            }
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
