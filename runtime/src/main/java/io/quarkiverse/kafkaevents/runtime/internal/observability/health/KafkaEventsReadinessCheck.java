package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.kafkaevents.runtime.internal.handle.ConsumerAssignments;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.startup.TopicProvisioning;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Readiness of Kafka Events, about this instance only: its topics were provisioned at start-up and every handler
 * channel has its consumers, whose partitions are shown (or how long they have waited for a first assignment: not
 * DOWN, since an instance beyond the partition count rightly has none).
 * <p>
 * Causes every instance shares (the broker unreachable, a topic missing or without a leader, a refused dead-letter
 * write) are in the wellness check {@link KafkaEventsBrokerCheck}, and the outbox's backlog in
 * {@link KafkaEventsOutboxCheck}: taking every instance out of service together would help nobody. Served from state
 * the extension keeps (the rebalance listener's assignments): no broker round trip, no wait on a consumer.
 */
@Readiness
@ApplicationScoped
public class KafkaEventsReadinessCheck implements HealthCheck {

    static final String NAME = "kafka-events";

    private final TopicProvisioning provisioning;
    private final HandlerDispatcher dispatcher;
    private final KafkaClientService clients;
    private final ConsumerAssignments assignments;
    /** Per channel, since when its consumers have had no partition. */
    private final Map<String, Long> unassignedSince = new ConcurrentHashMap<>();

    KafkaEventsReadinessCheck(TopicProvisioning provisioning, HandlerDispatcher dispatcher,
            KafkaClientService clients, ConsumerAssignments assignments) {
        this.provisioning = provisioning;
        this.dispatcher = dispatcher;
        this.clients = clients;
        this.assignments = assignments;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        boolean up = provisioning.done();
        response.withData("topics", up ? "provisioned" : "provisioning");
        for (String channel : new TreeSet<>(dispatcher.channels())) {
            List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
            if (consumers == null || consumers.isEmpty()) {
                up = false;
                response.withData("consumers." + channel, "not started");
                continue;
            }
            int assigned = 0;
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                assigned += assignments.count(consumer.unwrap());
            }
            if (assigned > 0) {
                unassignedSince.remove(channel);
                response.withData("consumers." + channel,
                        assigned + " partitions assigned to " + consumers.size() + " consumer(s)");
            } else {
                long since = unassignedSince.computeIfAbsent(channel, c -> System.nanoTime());
                response.withData("consumers." + channel, "waiting for partition assignment for "
                        + Duration.ofNanos(System.nanoTime() - since).toSeconds() + " s");
            }
        }
        return response.status(up).build();
    }
}
