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
 * The publisher sends straight to the channel's Kafka producer: a record the producer refuses (here: larger than its
 * whole {@code buffer.memory}) fails that publish with a {@link PublishException} naming the type, the topic and the
 * producer's reason; nothing is written, and the next events go out as usual.
 */
public class PublishRefusedTest {

    @EventTopic(value = "refusals", pluralize = false)
    public record Note(@PartitionKey String id, String text) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Note.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "refused-test")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.buffer.memory", "4096")
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.batch.size", "1024");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void recordLargerThanTheProducerBufferFailsWithAClearErrorAndLosesNothingElse() {
        publisher.publish(new Note("before", "small")).await().atMost(Duration.ofSeconds(30));
        PublishException refused = assertThrows(PublishException.class,
                () -> publisher.publish(new Note("big", "x".repeat(10_000))).await().atMost(Duration.ofSeconds(30)));
        assertTrue(refused.getMessage().startsWith("The Kafka producer refused " + Note.class.getName()
                + " on topic test.refused-test.public.refusals"), refused.getMessage());
        assertTrue(refused.getMessage().contains("buffer.memory"), refused.getMessage());
        assertEquals("test.refused-test.public.refusals", refused.topic());
        publisher.publish(new Note("after", "small")).await().atMost(Duration.ofSeconds(30));

        List<String> keys = RawRecords.readAll(bootstrap, "test.refused-test.public.refusals").stream()
                .map(ConsumerRecord::key).sorted().toList();
        assertEquals(List.of("after", "before"), keys);
    }
}
