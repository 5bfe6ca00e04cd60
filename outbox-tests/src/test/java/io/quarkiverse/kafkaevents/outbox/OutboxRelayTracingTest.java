package io.quarkiverse.kafkaevents.outbox;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * With OpenTelemetry and the fast path off (as after a crash between commit and send): the relay sends the row with
 * the trace context stored in its {@code trace_context} column, long after the publishing span ended.
 */
public class OutboxRelayTracingTest extends OutboxTracing {

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TracedShipments.class, TracedShipments.ShipmentSent.class,
                    TracedShipments.Shipments.class, TracedShipments.Receiver.class, OutboxTracing.class,
                    RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "relay-tracing-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "traced_relay_outbox")
            .overrideConfigKey("quarkus.kafka-events.outbox.fast-path", "false")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "200ms"));

    @Override
    String table() {
        return "traced_relay_outbox";
    }
}
