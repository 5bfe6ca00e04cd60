package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Min;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A {@code @Transactional} method that calls {@code publish} and ignores the returned {@code Uni} (as code that
 * "fires and forgets" does): with {@code outbox} delivery the row is written in the transaction and the record reaches
 * the topic after the commit; with {@code after-commit} delivery the event is held and sent after the commit; an event
 * that cannot be recorded (it does not serialize) rolls the transaction back, its other events with it; a
 * rolled-back transaction publishes neither. With no transaction at all, {@code outbox} delivery writes the row in a
 * transaction of its own and sends it after that commit, and {@code after-commit} delivery sends at once (the
 * documented fallbacks); an event that cannot be recorded there fails its {@code Uni}, naming its type and topic.
 */
public class OutboxIgnoredUniTest {

    static final String TABLE = "ignored_outbox";
    static final String PARCELS = "test.ignored.public.parcels";
    static final String NOTICES = "test.ignored.public.notices";

    @EventTopic(value = "parcels", domain = "ignored")
    public record ParcelSent(@PartitionKey String id) {
    }

    @EventTopic(value = "notices", domain = "ignored")
    public record NoticeSent(@PartitionKey String id) {
    }

    /** Its {@code label} cannot be written as JSON when it is a plain {@code Object}. */
    @EventTopic(value = "labels", domain = "ignored")
    public record LabelPrinted(@PartitionKey String id, Object label) {
    }

    /** Its schema wants a positive amount (validation before publish: {@code fail} in the test profile). */
    @EventTopic(value = "vouchers", domain = "ignored")
    public record VoucherIssued(@PartitionKey String id, @Min(1) int amount) {
    }

    @ApplicationScoped
    public static class Parcels {
        @Inject
        EventPublisher publisher;

        @Inject
        AgroalDataSource dataSource;

        /** Publishes without looking at the outcome; returns the outbox rows this transaction sees for the parcel. */
        @Transactional
        int send(String id) throws SQLException {
            publisher.publish(new ParcelSent(id));
            publisher.publish(new NoticeSent(id));
            return rowsFor(id);
        }

        /** Publishes a parcel, then an event that cannot be serialized, ignoring both outcomes. */
        @Transactional
        void sendWithBrokenLabel(String id) {
            publisher.publish(new ParcelSent(id));
            publisher.publish(new LabelPrinted(id, new Object()));
        }

        /** Publishes a parcel, then an event its schema refuses, ignoring both outcomes. */
        @Transactional
        void sendWithInvalidVoucher(String id) {
            publisher.publish(new ParcelSent(id));
            publisher.publish(new VoucherIssued(id, 0));
        }

        void sendInvalidVoucherOutsideTransaction(String id) {
            publisher.publish(new VoucherIssued(id, -1)).await().atMost(Duration.ofSeconds(30));
        }

        /** No transaction here: each publish waits for its outcome. */
        void sendOutsideTransaction(String id) {
            publisher.publish(new ParcelSent(id)).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new NoticeSent(id)).await().atMost(Duration.ofSeconds(30));
        }

        void sendBrokenLabelOutsideTransaction(String id) {
            publisher.publish(new LabelPrinted(id, new Object())).await().atMost(Duration.ofSeconds(30));
        }

        @Transactional
        void sendThenFail(String id) {
            publisher.publish(new ParcelSent(id));
            publisher.publish(new NoticeSent(id));
            throw new IllegalStateException("parcel " + id + " lost its label");
        }

        private int rowsFor(String id) throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM " + TABLE
                            + " WHERE topic = ? AND convert_from(payload, 'UTF8') LIKE ?")) {
                query.setString(1, PARCELS);
                query.setString(2, "%\"" + id + "\"%");
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(
                    jar -> jar.addClasses(ParcelSent.class, NoticeSent.class, LabelPrinted.class, VoucherIssued.class,
                            Parcels.class,
                            RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "ignored-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", TABLE)
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "500ms")
            .overrideConfigKey("quarkus.kafka-events.events.\"NoticeSent\".delivery", "after-commit"));

    @Inject
    Parcels parcels;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void ignoredUnisPublishOnCommitAndNeverOnRollback() throws Exception {
        assertEquals(1, parcels.send("p-commit"), "the outbox row is written in the caller's transaction");
        assertThrows(IllegalStateException.class, () -> parcels.sendThenFail("p-rollback"));
        // an event that cannot be recorded marks the transaction for rollback, even with its Uni ignored (Quarkus ends
        // a transaction marked for rollback by rolling it back, without an exception): the parcel published in the
        // same transaction never reaches the outbox nor the topic (asserted below with the others)
        parcels.sendWithBrokenLabel("p-broken");

        TestDatabase.await(() -> keys(PARCELS, "p-").contains("p-commit") && keys(NOTICES, "p-").contains("p-commit"),
                TABLE);
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE).isEmpty(), TABLE);
        // after the ones that must arrive, give a wrongly published one time to show up
        TestDatabase.sleep(1500);
        assertEquals(List.of("p-commit"), keys(PARCELS, "p-"), "outbox delivery");
        assertEquals(List.of("p-commit"), keys(NOTICES, "p-"), "after-commit delivery");
        assertTrue(TestDatabase.column("SELECT id FROM " + TABLE).isEmpty());
    }

    @Test
    void withoutATransactionEachPublishIsRecordedAndSentOnItsOwn() {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            parcels.sendOutsideTransaction("o-" + i);
            sent.add("o-" + i);
        }
        PublishException refused = assertThrows(PublishException.class,
                () -> parcels.sendBrokenLabelOutsideTransaction("o-broken"));
        assertTrue(refused.getMessage().startsWith("Could not serialize " + LabelPrinted.class.getName()
                + " to JSON for topic test.ignored.public.labels"), refused.getMessage());

        TestDatabase.await(() -> keys(PARCELS, "o-").size() >= sent.size() && keys(NOTICES, "o-").size() >= sent.size(),
                TABLE);
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE).isEmpty(), TABLE);
        TestDatabase.sleep(1000);
        // every one exactly once, and the unserializable one never (nor a row of it left behind)
        assertEquals(new java.util.TreeSet<>(sent), new java.util.TreeSet<>(keys(PARCELS, "o-")));
        assertEquals(sent.size(), keys(PARCELS, "o-").size(), "outbox delivery outside a transaction");
        assertEquals(new java.util.TreeSet<>(sent), new java.util.TreeSet<>(keys(NOTICES, "o-")));
        assertEquals(sent.size(), keys(NOTICES, "o-").size(), "after-commit delivery outside a transaction");
        assertTrue(RawRecords.readAll(bootstrap, "test.ignored.public.labels").isEmpty());
    }

    @Test
    void eventItsSchemaRefusesFailsBeforeItsRowIsWrittenAndRollsTheTransactionBack() throws Exception {
        // the transaction is rolled back: neither the voucher's row nor the parcel's published before it exists, so
        // nothing can ever be sent
        parcels.sendWithInvalidVoucher("v-invalid");
        assertTrue(TestDatabase.column("SELECT id FROM " + TABLE + " WHERE convert_from(payload, 'UTF8') LIKE"
                + " '%v-invalid%'").isEmpty());

        PublishException refused = assertThrows(PublishException.class,
                () -> parcels.sendInvalidVoucherOutsideTransaction("v-alone"));
        assertTrue(refused.getMessage().contains("Event of type VoucherIssued") && refused.getMessage()
                .contains("/amount: must have a minimum value of 1 (rule 'minimum')"), refused.getMessage());
        assertTrue(TestDatabase.column("SELECT id FROM " + TABLE + " WHERE topic = 'test.ignored.public.vouchers'")
                .isEmpty());
        assertTrue(keys(PARCELS, "v-").isEmpty());
    }

    /** The keys on the topic that start with the prefix (each test uses its own), in topic order. */
    private List<String> keys(String topic, String prefix) {
        return RawRecords.readAll(bootstrap, topic).stream().map(ConsumerRecord::key)
                .filter(key -> key != null && key.startsWith(prefix)).toList();
    }
}
