package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * The trap of a topic limit below the producer's {@code batch.size}: a topic with {@code max.message.bytes=800}, one
 * record of about 1.5 KB and a small one of the same key sent together (so that the producer would batch them), and a
 * small event of another type beside them. The Kafka 4.1 producer used to split the refused batch into the same batch
 * and retry it without end (the small events never sent, liveness UP). Now the large record is refused before it
 * reaches the producer, with a message naming its type, topic, size and the limit; the small ones are on their topics;
 * liveness stays UP and publishing goes on.
 */
public class OversizedEventTest {

    static final String LIMITED = "test.oversize-test.public.attachments";
    static final String OTHER = "test.oversize-test.public.remarks";

    @EventTopic(value = "attachments")
    public record AttachmentAdded(@PartitionKey String owner, String id, String content) {
    }

    @EventTopic(value = "remarks")
    public record RemarkMade(@PartitionKey String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(AttachmentAdded.class, RemarkMade.class, RawRecords.class,
                    HealthProbe.class))
            .overrideConfigKey("quarkus.application.name", "oversize-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"AttachmentAdded\".config.\"max.message.bytes\"", "800")
            .overrideConfigKey("quarkus.kafka-events.events.\"AttachmentAdded\".partitions", "1")
            // a batch stays open long enough for the records sent together to share it
            .overrideConfigKey("mp.messaging.outgoing.kafka-events-publisher.linger.ms", "50")
            .overrideConfigKey("quarkus.http.test-port", "0");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void anOversizedRecordIsRefusedBeforeTheProducerAndTheOthersGoOut() {
        Uni<Void> attachments = publisher.publishAll(List.of(
                new AttachmentAdded("owner-1", "big", "x".repeat(1500)),
                new AttachmentAdded("owner-1", "small", "s")));
        Uni<Void> remark = publisher.publish(new RemarkMade("r-1"));

        PublishException batch = assertThrows(PublishException.class,
                () -> attachments.await().atMost(Duration.ofSeconds(10)));
        PublishException refused = assertInstanceOf(PublishException.class, batch.getCause());
        String message = refused.getMessage();
        assertTrue(message.startsWith("Event type AttachmentAdded (" + AttachmentAdded.class.getName()
                + ") was not published to topic " + LIMITED + ": its record is "), message);
        assertTrue(message.contains("more than topic " + LIMITED + " takes (max.message.bytes=800)"), message);
        Matcher size = Pattern.compile("its record is (\\d+) bytes").matcher(message);
        assertTrue(size.find(), message);
        int bytes = Integer.parseInt(size.group(1));
        assertTrue(bytes > 1500 && bytes < 2000, "estimated size " + bytes);
        assertEquals(LIMITED, refused.topic());
        assertEquals(AttachmentAdded.class.getName(), refused.eventType());
        remark.await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of("small"), ids(LIMITED));
        assertEquals(List.of("r-1"), RawRecords.readAll(bootstrap, OTHER).stream().map(ConsumerRecord::key).toList());

        HealthProbe.Answer live = HealthProbe.get("live");
        assertTrue(live.up(), live.body());

        // publishing goes on, on both topics
        publisher.publish(new AttachmentAdded("owner-1", "after", "a")).await().atMost(Duration.ofSeconds(10));
        publisher.publish(new RemarkMade("r-2")).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of("small", "after"), ids(LIMITED));
        assertTrue(HealthProbe.get("live").up());
    }

    private List<String> ids(String topic) {
        return RawRecords.readAll(bootstrap, topic).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .map(value -> value.replaceAll(".*\"id\":\"([^\"]*)\".*", "$1")).toList();
    }
}
