package io.quarkiverse.kafkaevents.deployment.events;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventPublisher;

/**
 * A library module of the application under test (an archive of its own, beside its root): the only code that
 * publishes {@link SharedContracts.ShipmentDelayed}.
 */
@ApplicationScoped
public class ShippingModule {

    @Inject
    EventPublisher publisher;

    void delayed(String id) {
        publisher.publish(new SharedContracts.ShipmentDelayed(id)).await().atMost(Duration.ofSeconds(30));
    }
}
