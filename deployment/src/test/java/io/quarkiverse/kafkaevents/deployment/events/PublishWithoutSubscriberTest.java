package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
import io.smallrye.mutiny.Uni;

/**
 * Publishing happens when {@code publish} is called, not when its {@code Uni} is subscribed to: an ignored {@code Uni}
 * still publishes, and a {@code Uni} subscribed to twice (or late) publishes once and reports the same outcome to
 * every subscriber. Records are read back with a plain consumer.
 */
public class PublishWithoutSubscriberTest {

    static final String TOPIC = "test.eager-test.public.memos";

    @EventTopic(value = "memos", pluralize = false)
    public record Memo(@PartitionKey String id) {
    }

    public record NotAnEvent(String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Memo.class, NotAnEvent.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "eager-test");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void anIgnoredUniStillPublishes() {
        publisher.publish(new Memo("ignored-1"));
        publisher.publishAll(List.of(new Memo("ignored-2"), new Memo("ignored-3")));

        awaitKeys(List.of("ignored-1", "ignored-2", "ignored-3"));
    }

    @Test
    void subscribingTwiceOrLatePublishesOnce() throws Exception {
        Uni<Void> published = publisher.publish(new Memo("twice"));
        published.await().atMost(Duration.ofSeconds(30));
        published.await().atMost(Duration.ofSeconds(30));
        // a late subscriber, once the outcome is known, gets it at once
        CompletableFuture<Void> late = published.subscribeAsCompletionStage();
        late.get(1, TimeUnit.SECONDS);

        Uni<Void> batch = publisher.publishAll(List.of(new Memo("batch-twice")));
        batch.await().atMost(Duration.ofSeconds(30));
        batch.await().atMost(Duration.ofSeconds(30));

        awaitKeys(List.of("twice", "batch-twice"));
        // give a second send time to show up
        sleep(1000);
        List<String> keys = keys();
        assertEquals(1, keys.stream().filter("twice"::equals).count(), keys.toString());
        assertEquals(1, keys.stream().filter("batch-twice"::equals).count(), keys.toString());
    }

    @Test
    void aFailureIsTheSameForEverySubscriber() {
        Uni<Void> refused = publisher.publish(new NotAnEvent("x"));
        PublishException first = assertThrows(PublishException.class,
                () -> refused.await().atMost(Duration.ofSeconds(5)));
        PublishException second = assertThrows(PublishException.class,
                () -> refused.await().atMost(Duration.ofSeconds(5)));
        assertSame(first, second);
    }

    private List<String> keys() {
        return RawRecords.readAll(bootstrap, TOPIC).stream().map(ConsumerRecord::key).toList();
    }

    private void awaitKeys(List<String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!keys().containsAll(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not on " + TOPIC + " within 20 s: " + expected + "; found " + keys());
            }
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
