package io.quarkiverse.kafkaevents.outbox;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * With OpenTelemetry: the fast path sends a committed event with the trace context of the span it was published in.
 */
public class OutboxTracingTest extends OutboxTracing {

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TracedShipments.class, TracedShipments.ShipmentSent.class,
                    TracedShipments.Shipments.class, TracedShipments.Receiver.class, OutboxTracing.class,
                    RawRecords.class, TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "tracing-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "traced_outbox"));

    @Override
    String table() {
        return "traced_outbox";
    }
}
