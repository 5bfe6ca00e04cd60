package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

/**
 * Handlers receive the events published to their topic, routed by type, with their context.
 */
public class HandlerTest {

    public record Account() {
    }

    @EventTopic(entity = Account.class, domain = "banking")
    public record AccountOpened(@PartitionKey String accountId, String owner) {
    }

    @EventTopic(entity = Account.class, domain = "banking")
    public record AccountClosed(@PartitionKey String accountId, String reason) {
    }

    /** Published to the accounts topic by this service, handled by no one here. */
    @EventTopic(entity = Account.class, domain = "banking")
    public record AccountAudited(@PartitionKey String accountId) {
    }

    @EventTopic(value = "receipts", domain = "banking")
    public record ReceiptPrinted(@PartitionKey String receiptId, int amount) {
    }

    public static class Handled {
        static final Map<String, List<Object>> EVENTS = new ConcurrentHashMap<>();
        static final Map<String, EventContext> CONTEXTS = new ConcurrentHashMap<>();
        static final List<String> THREADS = new CopyOnWriteArrayList<>();

        static void add(String key, Object event) {
            EVENTS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(event);
        }
    }

    // no scope annotation: becomes a bean because it declares handlers
    public static class AccountHandlers {

        @EventHandler
        void opened(AccountOpened event, EventContext context) {
            Handled.THREADS.add(Thread.currentThread().getName());
            Handled.CONTEXTS.put(event.accountId(), context);
            Handled.add("opened", event);
        }

        @EventHandler
        Uni<Void> closed(AccountClosed event) {
            Handled.add("closed", event);
            return Uni.createFrom().voidItem();
        }

        @EventHandler
        CompletionStage<Void> receipt(ReceiptPrinted event, EventContext context) {
            Handled.add("receipt", event);
            Handled.CONTEXTS.put(event.receiptId(), context);
            return CompletableFuture.completedFuture(null);
        }
    }

    public static class FailingThenFine {
        @EventHandler
        void a(ReceiptPrinted event) {
            if (event.amount() < 0) {
                throw new IllegalStateException("negative amount");
            }
            Handled.add("a", event);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Account.class, AccountOpened.class, AccountClosed.class,
                    AccountAudited.class, ReceiptPrinted.class, Handled.class, AccountHandlers.class,
                    FailingThenFine.class, CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", "handler-test")
            // receipts are published in structured mode: handlers read them like binary ones
            .overrideConfigKey("quarkus.kafka-events.events.\"ReceiptPrinted\".format", "structured");

    @Inject
    EventPublisher publisher;

    @Inject
    HandlerDispatcher dispatcher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void publishedEventReachesItsHandlerWithContext() {
        AccountOpened opened = new AccountOpened("acc-1", "Ana");
        publisher.publish(opened, EventMetadata.builder().extension("tenant", "acme").build())
                .await().atMost(Duration.ofSeconds(30));
        await(() -> Handled.CONTEXTS.containsKey("acc-1"));
        assertTrue(Handled.EVENTS.get("opened").contains(opened));
        EventContext context = Handled.CONTEXTS.get("acc-1");
        assertEquals("test.banking.public.accounts", context.topic());
        assertEquals("acc-1", context.key());
        assertEquals("AccountOpened", context.type());
        assertEquals("/handler-test", context.source());
        assertEquals("acc-1", context.subject());
        assertEquals("acme", context.extensions().get("tenant"));
        assertEquals("test.handler-test", context.group());
        assertEquals(1, context.attempt());
        assertNotNull(context.id());
        assertNotNull(context.time());
        assertTrue(context.offset() >= 0);
        assertTrue(context.partition() >= 0 && context.partition() < 3);
        assertTrue(context.lag().toMillis() >= 0);
        assertEquals("1.0", context.headers().get("ce_specversion"));
        assertTrue(Handled.THREADS.stream().noneMatch(t -> t.contains("eventloop")), Handled.THREADS.toString());
    }

    /**
     * With the default {@code commit-interval} (1 s), a handled record's offset is committed within about a second:
     * what a crash makes the next owner handle again is about a second of work (it was up to 5 s). Three records in a
     * row, each committed at most 1.5 s after it was handled (the interval, and 0.5 s for the commit and the probe).
     */
    @Test
    void handledRecordsAreCommittedWithinTheDefaultCommitInterval() throws Exception {
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            for (int i = 0; i < 3; i++) {
                String id = "acc-commit-" + i;
                publisher.publish(new AccountOpened(id, "Eve")).await().atMost(Duration.ofSeconds(30));
                await(() -> Handled.CONTEXTS.containsKey(id));
                long handledAt = System.nanoTime();
                EventContext context = Handled.CONTEXTS.get(id);
                TopicPartition partition = new TopicPartition(context.topic(), context.partition());
                long committed = commits.awaitCommitted("test.handler-test", partition,
                        offset -> offset > context.offset(), Duration.ofSeconds(10));
                long took = (System.nanoTime() - handledAt) / 1_000_000;
                assertTrue(committed > context.offset(), "committed " + committed + " for record at " + context.offset());
                assertTrue(took <= 1_500, id + " committed " + took + " ms after it was handled");
            }
        }
    }

    @Test
    void typesSharingATopicAreRoutedAndUnknownTypesSkipped() {
        String channel = dispatcher.channels().stream().filter(c -> c.contains("accounts")).findFirst().orElseThrow();
        long skippedBefore = dispatcher.topology().skipped(channel);
        publisher.publishAll(List.of(new AccountAudited("acc-2"), new AccountClosed("acc-2", "moved")))
                .await().atMost(Duration.ofSeconds(30));
        await(() -> Handled.EVENTS.getOrDefault("closed", List.of()).contains(new AccountClosed("acc-2", "moved")));
        await(() -> dispatcher.topology().skipped(channel) == skippedBefore + 1);
        assertTrue(Handled.EVENTS.getOrDefault("opened", List.of()).stream()
                .noneMatch(e -> ((AccountOpened) e).accountId().equals("acc-2")));
    }

    @Test
    void plainJsonAndCloudEventsSdkRecordsAreHandledAndBadRecordsSkipped() throws Exception {
        String topic = "test.banking.public.receipts";
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            // not JSON at all, then JSON of the wrong shape: both skipped
            producer.send(new ProducerRecord<>(topic, "bad-1", "not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(topic, "bad-2", "{\"amount\":\"many\"}".getBytes(StandardCharsets.UTF_8)))
                    .get();
            // plain JSON from a producer that knows nothing of CloudEvents
            producer.send(new ProducerRecord<>(topic, "r-plain",
                    "{\"receiptId\":\"r-plain\",\"amount\":5}".getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                new CloudEventSerializer())) {
            CloudEvent event = CloudEventBuilder.v1().withId("sdk-1").withSource(java.net.URI.create("/other-service"))
                    .withType("ReceiptPrinted").withDataContentType("application/json")
                    .withData("{\"receiptId\":\"r-sdk\",\"amount\":7}".getBytes(StandardCharsets.UTF_8)).build();
            producer.send(new ProducerRecord<>(topic, "r-sdk", event)).get();
        }
        await(() -> Handled.CONTEXTS.containsKey("r-sdk") && Handled.CONTEXTS.containsKey("r-plain"));
        assertTrue(Handled.EVENTS.get("receipt").contains(new ReceiptPrinted("r-plain", 5)));
        assertTrue(Handled.EVENTS.get("receipt").contains(new ReceiptPrinted("r-sdk", 7)));
        assertEquals("sdk-1", Handled.CONTEXTS.get("r-sdk").id());
        assertEquals("/other-service", Handled.CONTEXTS.get("r-sdk").source());
        assertEquals("ReceiptPrinted", Handled.CONTEXTS.get("r-plain").type());
        String channel = dispatcher.channels().stream().filter(c -> c.contains("receipts")).findFirst().orElseThrow();
        assertTrue(dispatcher.topology().undecodable(channel) >= 2,
                "undecodable: " + dispatcher.topology().undecodable(channel));
    }

    @Test
    void failingHandlerDoesNotStopOtherHandlersOrTheConsumer() {
        publisher.publishAll(List.of(new ReceiptPrinted("r-neg", -1), new ReceiptPrinted("r-pos", 1)))
                .await().atMost(Duration.ofSeconds(30));
        await(() -> Handled.EVENTS.getOrDefault("a", List.of()).contains(new ReceiptPrinted("r-pos", 1)));
        // the other handler of the same type still got the event the first one failed on
        assertTrue(Handled.EVENTS.get("receipt").contains(new ReceiptPrinted("r-neg", -1)));
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s; handled: " + Handled.EVENTS);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
