package io.quarkiverse.kafkaevents.deployment.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Min;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The test profile's default ({@code fail}) gives way to the application's own
 * {@code quarkus.kafka-events.validation}: with {@code none}, an event its schema refuses is published.
 */
public class ValidationOverrideTest {

    @EventTopic(value = "overridden", pluralize = false)
    public record Tip(@PartitionKey String id, @Min(1) int cents) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Tip.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "override-test")
            .overrideConfigKey("quarkus.kafka-events.validation", "none");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void applicationSettingWinsOverTheProfileDefault() {
        publisher.publish(new Tip("t-1", 0)).await().atMost(Duration.ofSeconds(30));
        assertEquals(List.of("t-1"), RawRecords.readAll(bootstrap, "test.override-test.public.overridden").stream()
                .map(ConsumerRecord::key).toList());
    }
}
