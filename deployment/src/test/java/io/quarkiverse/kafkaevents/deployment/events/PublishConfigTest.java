package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Run-time configuration decides topic names (environment, default domain) and the CloudEvents source, and a record
 * larger than its topic takes fails the publication, naming event type and topic.
 */
public class PublishConfigTest {

    @EventTopic("shipments")
    public record ShipmentSent(@PartitionKey String shipmentId) {
    }

    @EventTopic("attachments")
    public record AttachmentAdded(@PartitionKey String id, String content) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ShipmentSent.class, AttachmentAdded.class, RawRecords.class))
            .overrideRuntimeConfigKey("quarkus.kafka-events.environment", "staging")
            .overrideRuntimeConfigKey("quarkus.kafka-events.domain", "logistics")
            .overrideRuntimeConfigKey("quarkus.kafka-events.source", "urn:logistics:shipping")
            // the broker refuses records over 1 KiB on this topic
            .overrideRuntimeConfigKey("quarkus.kafka-events.events.\"AttachmentAdded\".config.\"max.message.bytes\"",
                    "1024");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void environmentAndDomainComeFromRunTimeConfiguration() {
        publisher.publish(new ShipmentSent("s-1")).await().atMost(Duration.ofSeconds(30));
        List<ConsumerRecord<String, byte[]>> records = RawRecords.readAll(bootstrap, "staging.logistics.public.shipments");
        assertEquals(List.of("s-1"), records.stream().map(ConsumerRecord::key).toList());
        // the CloudEvents source comes from quarkus.kafka-events.source instead of /<application name>
        assertEquals("urn:logistics:shipping", new String(records.get(0).headers().lastHeader("ce_source").value(),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void recordLargerThanTheTopicTakesFailsThePublication() {
        String topic = "staging.logistics.public.attachments";
        PublishException e = assertThrows(PublishException.class, () -> publisher
                .publish(new AttachmentAdded("a-1", "x".repeat(4096))).await().atMost(Duration.ofSeconds(60)));
        assertEquals(AttachmentAdded.class.getName(), e.eventType());
        assertEquals(topic, e.topic());
        // refused before it reached the producer: the topic's limit is known from its configuration
        assertTrue(e.getMessage().contains("max.message.bytes=1024") && e.getMessage().contains("was not sent"),
                e.getMessage());
        assertTrue(e.getMessage().contains(topic), e.getMessage());
        assertTrue(RawRecords.readAll(bootstrap, topic).isEmpty());

        // a small one still goes through afterwards
        publisher.publish(new AttachmentAdded("a-2", "small")).await().atMost(Duration.ofSeconds(30));
        assertEquals(List.of("a-2"), RawRecords.readAll(bootstrap, topic).stream().map(ConsumerRecord::key).toList());
    }
}
