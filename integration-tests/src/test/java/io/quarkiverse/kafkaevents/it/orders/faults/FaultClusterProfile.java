package io.quarkiverse.kafkaevents.it.orders.faults;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The fault suite's test JVM: a three-node dev cluster (replication factor 3, {@code min.insync.replicas=2}) whose
 * killed nodes are fenced after 3 s instead of 9 s. The application in this JVM only publishes (through its
 * {@code EventPublisher}); the instances under test run in JVMs of their own ({@link ChildApp}), on the dev
 * PostgreSQL this JVM's application started (its outbox and order tables, created here in test mode).
 */
public class FaultClusterProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.kafka-events.devservices.nodes", "3",
                "quarkus.kafka-events.devservices.broker-properties.\"broker.session.timeout.ms\"", "3000",
                "quarkus.kafka-events.devservices.broker-properties.\"broker.heartbeat.interval.ms\"", "500",
                // this JVM's own handlers read the same topic: one consumer, in a group of their own
                "quarkus.kafka-events.concurrency", "1",
                "quarkus.kafka-events.group-id", "fault-suite-publisher",
                // the publishing scenarios test the producer path itself: OrderPlaced is sent at once, not through
                // the outbox (the outbox scenarios publish through the instances under test)
                "quarkus.kafka-events.events.\"OrderPlaced\".delivery", "immediate",
                // the instances under test relay the shared outbox table, this JVM does not (not within the hour)
                "quarkus.kafka-events.outbox.relay-interval", "1h",
                "quarkus.log.file.path", "target/fault-suite/quarkus-test.log");
    }
}
