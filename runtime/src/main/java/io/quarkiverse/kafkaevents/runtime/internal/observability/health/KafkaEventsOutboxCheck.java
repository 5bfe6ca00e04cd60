package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.quarkiverse.kafkaevents.runtime.internal.outbox.TransactionalOutbox;
import io.smallrye.health.api.Wellness;

/**
 * The outbox's backlog, a wellness check ({@code /q/health/well}, and {@code /q/health}): DOWN while the oldest
 * pending row is older than {@code quarkus.kafka-events.outbox.lag-threshold}, or rows the broker refused wait for an
 * operator, or the table cannot be read.
 * <p>
 * Not a readiness check: the table is shared by every instance of the application, so its lag would take all of them
 * out of service together, and no instance serves better by being taken out. Readiness stays about what this instance
 * can do (the broker, its topics, its consumers).
 */
@Wellness
@ApplicationScoped
public class KafkaEventsOutboxCheck implements HealthCheck {

    static final String NAME = "kafka-events-outbox";

    private final TransactionalOutbox outbox;

    KafkaEventsOutboxCheck(TransactionalOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (!outbox.started()) {
            return response.up().withData("outbox", "not used: no event type has delivery=outbox").build();
        }
        response.withData("table", outbox.table());
        long[] backlog = outbox.backlog();
        if (backlog == null) {
            return response.down().withData("outbox", "the table could not be read (see the log)").build();
        }
        long pending = backlog[0];
        long failed = backlog[1];
        long oldest = backlog[2];
        long threshold = outbox.lagThresholdMillis();
        response.withData("pending", pending).withData("failed", failed).withData("oldest-pending", oldest + " ms");
        boolean up = true;
        if (oldest > threshold) {
            up = false;
            response.withData("lagging", "the oldest pending row is " + oldest + " ms old, over"
                    + " quarkus.kafka-events.outbox.lag-threshold (" + threshold + " ms)");
        }
        if (failed > 0) {
            up = false;
            response.withData("refused", failed + " row(s) refused by the broker hold back the later events of their"
                    + " key until retried or skipped (Dev UI, or the table)");
        }
        return response.status(up).build();
    }
}
