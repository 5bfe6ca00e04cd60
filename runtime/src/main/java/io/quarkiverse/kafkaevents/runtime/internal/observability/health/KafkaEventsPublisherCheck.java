package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;

/**
 * Liveness of the publisher: DOWN when its Kafka producer has stopped working (its network thread died, or it leaves
 * sends unanswered past {@code delivery.timeout.ms}), naming the channel and the producer's client id under
 * {@code publisher.<channel>}: only a restart brings such a producer back. Costs no broker round trip.
 */
@Liveness
@ApplicationScoped
public class KafkaEventsPublisherCheck implements HealthCheck {

    static final String NAME = "kafka-events-publisher";

    private final KafkaEventPublisher publisher;

    KafkaEventsPublisherCheck(KafkaEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        List<String> problems = publisher.problems();
        if (!problems.isEmpty()) {
            response.withData("publisher." + KafkaEventPublisher.CHANNEL, String.join("; ", problems));
        }
        return response.status(problems.isEmpty()).build();
    }
}
