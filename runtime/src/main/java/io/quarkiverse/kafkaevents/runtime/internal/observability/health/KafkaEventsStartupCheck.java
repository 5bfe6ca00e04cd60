package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.quarkiverse.kafkaevents.runtime.internal.startup.TopicProvisioning;

/**
 * Started once topic provisioning has finished.
 */
@Startup
@ApplicationScoped
public class KafkaEventsStartupCheck implements HealthCheck {

    private final TopicProvisioning provisioning;

    KafkaEventsStartupCheck(TopicProvisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(KafkaEventsReadinessCheck.NAME)
                .status(provisioning.done())
                .withData("topics", provisioning.done() ? "provisioned" : "provisioning")
                .build();
    }
}
