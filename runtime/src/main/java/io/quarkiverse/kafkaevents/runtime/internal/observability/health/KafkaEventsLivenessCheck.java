package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;

/**
 * Liveness of the handlers: DOWN when the record at the head of a partition has made no progress for longer than
 * {@code quarkus.kafka-events.health.stalled-after} (a handler call still running, or a dead-letter or retry record the
 * broker keeps refusing), naming the partition, the record and what it waits for, so that the platform restarts the
 * instance. Records waiting for a retry backoff are making progress. The publisher has a check of its own
 * ({@link KafkaEventsPublisherCheck}). Costs no broker round trip.
 */
@Liveness
@ApplicationScoped
public class KafkaEventsLivenessCheck implements HealthCheck {

    static final String NAME = "kafka-events-handlers";

    private final HandlerDispatcher dispatcher;
    private final KafkaEventsConfig config;

    KafkaEventsLivenessCheck(HandlerDispatcher dispatcher, KafkaEventsConfig config) {
        this.dispatcher = dispatcher;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        Map<String, List<String>> stalled = new TreeMap<>(dispatcher.topology().stalled(config.health().stalledAfter()));
        stalled.forEach((channel, partitions) -> response.withData("stalled." + channel, String.join("; ", partitions)));
        return response.status(stalled.isEmpty()).build();
    }
}
