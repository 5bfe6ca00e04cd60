package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The broker is killed ({@code kill -9}) while transactions commit: every commit succeeds (the events are rows of the
 * outbox), nothing reaches the topic meanwhile, and once the broker is back every event is on the topic exactly once
 * and the table is empty.
 */
public class OutboxBrokerOutageTest {

    static final String TOPIC = "test.outage.public.shipments";

    @EventTopic(value = "shipments", domain = "outage")
    public record ShipmentBooked(@PartitionKey String id) {
    }

    @ApplicationScoped
    public static class Shipments {
        @Inject
        EventPublisher publisher;

        @Transactional
        void book(String id) {
            publisher.publish(new ShipmentBooked(id)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ShipmentBooked.class, Shipments.class, RawRecords.class,
                    TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "outage-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", "outage_outbox")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "200ms")
            .overrideConfigKey("quarkus.kafka-events.outbox.lease", "30s")
            // short producer timeouts, so failed sends come back (and are retried) within the test
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.delivery.timeout.ms", "8000")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.request.timeout.ms", "3000")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.max.block.ms", "3000"));

    @Inject
    Shipments shipments;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void commitsDuringAnOutageArePublishedOnceTheBrokerIsBack() {
        shipments.book("s-before");
        TestDatabase.await(() -> RawRecords.readAll(bootstrap, TOPIC).size() == 1, "outage_outbox");

        DevBrokerCluster.Node broker = DevBrokerCluster.current().node(1);
        broker.kill();
        int during = 30;
        for (int i = 0; i < during; i++) {
            shipments.book("s-" + i); // commits although the broker is gone
        }
        assertEquals(during, TestDatabase.column("SELECT id FROM outage_outbox").size(),
                "the events wait in the outbox");
        TestDatabase.sleep(2000);
        broker.start(Duration.ofSeconds(60));

        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM outage_outbox").isEmpty(), "outage_outbox",
                Duration.ofSeconds(90));
        TestDatabase.sleep(1000);
        List<String> ids = RawRecords.readAll(bootstrap, TOPIC).stream()
                .map(ConsumerRecord::value).map(v -> new String(v, StandardCharsets.UTF_8)).toList();
        assertEquals(during + 1, ids.size(), "every event once: " + ids);
        for (int i = 0; i < during; i++) {
            String id = "\"s-" + i + "\"";
            assertEquals(1, ids.stream().filter(v -> v.contains(id)).count(), id + " in " + ids);
        }
    }
}
