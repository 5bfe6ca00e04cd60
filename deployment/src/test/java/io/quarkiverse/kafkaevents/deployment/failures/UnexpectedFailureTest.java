package io.quarkiverse.kafkaevents.deployment.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A failure the pipeline does not expect while a record is routed or handled (here an application's
 * {@link EventMonitor} throwing an {@link AssertionError}, which its guard, made for exceptions and missing classes,
 * does not catch) ends in a decision: the record is
 * dead-lettered with the failure as its reason and its partition's offset moves on; when even that fails, the record
 * stays unfinished and liveness names it. Never a partition whose committed offset stays behind in silence while the
 * records after it are handled.
 */
public class UnexpectedFailureTest {

    static final String GROUP = "unexpected-failure-test";
    static final String REFUNDS = "unexpected.refunds";
    static final String VOIDS = "unexpected.voids";

    @EventTopic(value = "refunds", domain = "unexpected")
    public record RefundIssued(@PartitionKey String id) {
    }

    @EventTopic(value = "voids", domain = "unexpected")
    public record PaymentVoided(@PartitionKey String id) {
    }

    public static class Handled {
        static final Map<String, Boolean> IDS = new ConcurrentHashMap<>();
    }

    public static class Handlers {
        @EventHandler
        void on(RefundIssued refund) {
            Handled.IDS.put(refund.id(), true);
        }

        @EventHandler
        void on(PaymentVoided voided) {
            Handled.IDS.put(voided.id(), true);
        }
    }

    /**
     * Throws an {@link Error} on the record at offset 0 of each topic (the first one published): when it is received,
     * and for the voids also when it is dead-lettered.
     */
    @Singleton
    public static class BrokenMonitor implements EventMonitor {
        @Override
        public void received(EventObservation observation) {
            if (observation.offset() == 0) {
                throw new AssertionError("monitor broken on " + observation.topic());
            }
        }

        @Override
        public void deadLettered(EventObservation observation) {
            if (observation.topic().equals(VOIDS)) {
                throw new AssertionError("monitor broken on dead letters of " + observation.topic());
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RefundIssued.class, PaymentVoided.class, Handled.class,
                    Handlers.class, BrokenMonitor.class, RawRecords.class, FailureRecords.class, HealthProbe.class,
                    CapturedLogs.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", GROUP)
            .overrideConfigKey("quarkus.kafka-events.group-id", GROUP)
            .overrideConfigKey("quarkus.kafka-events.events.\"RefundIssued\".topic", REFUNDS)
            .overrideConfigKey("quarkus.kafka-events.events.\"RefundIssued\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentVoided\".topic", VOIDS)
            .overrideConfigKey("quarkus.kafka-events.events.\"PaymentVoided\".partitions", "1");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void recordIsDeadLetteredAndItsPartitionMovesOn() throws Exception {
        try (CapturedLogs logs = CapturedLogs.of("io.quarkiverse.kafkaevents");
                CommitSupport commits = new CommitSupport(bootstrap)) {
            publisher.publish(new RefundIssued("r-broken")).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new RefundIssued("r-after")).await().atMost(Duration.ofSeconds(30));

            ConsumerRecord<String, byte[]> dead = FailureRecords.awaitSingle(bootstrap, REFUNDS + ".dead-letter",
                    "r-broken");
            Map<String, String> headers = FailureRecords.headers(dead);
            assertEquals("0", headers.get("kafka-events-dlt-original-offset"), headers.toString());
            assertEquals(AssertionError.class.getName(), headers.get("kafka-events-dlt-exception-class"),
                    headers.toString());
            assertTrue(headers.get("kafka-events-dlt-reason").contains("unexpected failure"), headers.toString());

            // the record after it is handled, and the committed offset passes both
            FailureRecords.await(() -> Handled.IDS.containsKey("r-after"));
            TopicPartition partition = new TopicPartition(REFUNDS, 0);
            long committed = commits.awaitCommitted(GROUP, partition, offset -> offset >= 2, Duration.ofSeconds(30));
            assertEquals(2, committed, "committed offset of " + partition);

            CapturedLogs.Line line = logs.await(message -> message.contains("failed unexpectedly while handling record "
                    + REFUNDS + "-0@0"));
            assertEquals(Level.SEVERE.intValue(), line.level(), line.toString());
            assertEquals(REFUNDS, line.mdc().get("event.topic"), line.toString());
            assertEquals("0", line.mdc().get("event.offset"), line.toString());
            assertEquals("RefundIssued", line.mdc().get("event.type"), line.toString());
        }
    }

    @Test
    void recordThatCannotBeDeadLetteredTakesLivenessDownNamingIt() throws Exception {
        try (CapturedLogs logs = CapturedLogs.of("io.quarkiverse.kafkaevents");
                CommitSupport commits = new CommitSupport(bootstrap)) {
            publisher.publish(new PaymentVoided("v-broken")).await().atMost(Duration.ofSeconds(30));
            publisher.publish(new PaymentVoided("v-after")).await().atMost(Duration.ofSeconds(30));

            HealthProbe.Answer live = HealthProbe.await("live", false);
            assertTrue(live.body().contains("record " + VOIDS + "-0@0"), live.body());
            assertTrue(live.body().contains("unexpected failure"), live.body());

            CapturedLogs.Line line = logs.await(message -> message.contains("could not dead-letter record "
                    + VOIDS + "-0@0"));
            assertEquals(Level.SEVERE.intValue(), line.level(), line.toString());
            assertEquals(VOIDS, line.mdc().get("event.topic"), line.toString());
            assertEquals("0", line.mdc().get("event.offset"), line.toString());

            // the records after it are handled, but the committed offset does not pass it (it is reported instead)
            FailureRecords.await(() -> Handled.IDS.containsKey("v-after"));
            Thread.sleep(1500);
            long committed = commits.committed(GROUP, new TopicPartition(VOIDS, 0));
            assertTrue(committed <= 0, "committed offset " + committed);
        }
    }
}
