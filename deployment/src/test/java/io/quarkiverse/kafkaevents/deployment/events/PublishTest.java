package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.PublishException;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Events published through {@link EventPublisher}, read back as raw Kafka records.
 */
public class PublishTest {

    public static class Cashier {
    }

    @EventTopic(entity = Cashier.class, domain = "payments")
    public record CashierCreated(@PartitionKey String tenantId, String cashierId, String name) {
    }

    @EventTopic(entity = Cashier.class, domain = "payments")
    public record CashierRenamed(@PartitionKey String tenantId, String cashierId, String name) {
    }

    @EventTopic(value = "invoice-events", domain = "billing", version = "v2", pluralize = false, internal = true)
    public static class InvoiceIssued {
        @PartitionKey(order = 1)
        public String customerId;
        private final long number;
        @PartitionKey(order = 0)
        private final String tenantId;

        public InvoiceIssued(String tenantId, String customerId, long number) {
            this.tenantId = tenantId;
            this.customerId = customerId;
            this.number = number;
        }

        public String getTenantId() {
            return tenantId;
        }

        public long getNumber() {
            return number;
        }
    }

    @EventTopic(entity = OrderLine.class)
    public record OrderLineAdded(String orderId, int quantity) implements DistributedEvent {
        @Override
        public String partitionKey() {
            return orderId;
        }
    }

    public record OrderLine() {
    }

    @EventTopic(value = "audit", pluralize = false)
    public record Audited(String what) {
    }

    @EventTopic(value = "structured-things")
    public record StructuredThing(@PartitionKey int id) {
    }

    @EventTopic(value = "plain-things")
    public record PlainThing(@PartitionKey long id, String text) {
    }

    public record NotAnEvent(String x) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Cashier.class, CashierCreated.class, CashierRenamed.class,
                    InvoiceIssued.class, OrderLineAdded.class, OrderLine.class, Audited.class, StructuredThing.class,
                    PlainThing.class, NotAnEvent.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "publish-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"StructuredThing\".format", "structured")
            .overrideConfigKey("quarkus.kafka-events.events.\"PlainThing\".format", "plain")
            .overrideConfigKey("quarkus.kafka-events.events.\"Audited\".topic", "legacy.audit-log")
            .overrideConfigKey("quarkus.kafka-events.events.\"OrderLineAdded\".partitions", "5");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    final ObjectMapper json = new ObjectMapper();

    @Test
    void recordHasTopicKeyCloudEventsHeadersAndJsonPayload() throws Exception {
        publisher.publish(new CashierCreated("tenant-1", "c-1", "Ana")).await().atMost(Duration.ofSeconds(30));

        ConsumerRecord<String, byte[]> record = single("test.payments.public.cashiers", "tenant-1");
        Map<String, String> headers = headers(record);
        assertEquals("1.0", headers.get("ce_specversion"));
        assertEquals("CashierCreated", headers.get("ce_type"));
        assertEquals("/publish-test", headers.get("ce_source"));
        assertEquals("tenant-1", headers.get("ce_subject"));
        assertEquals("application/json", headers.get("content-type"));
        assertFalse(headers.get("ce_id").isBlank());
        assertTrue(headers.containsKey("ce_time"));
        JsonNode payload = json.readTree(record.value());
        assertEquals("c-1", payload.get("cashierId").asText());
        assertEquals("Ana", payload.get("name").asText());

        // the CloudEvents SDK's own deserializer reads it back
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            CloudEvent event = deserializer.deserialize(record.topic(), record.headers(), record.value());
            assertEquals("CashierCreated", event.getType());
            assertEquals("tenant-1", event.getSubject());
            assertEquals("Ana", json.readTree(event.getData().toBytes()).get("name").asText());
        }
    }

    @Test
    void eventTypesSharingATopicKeepOrderPerKey() {
        publisher.publishAll(List.of(
                new CashierCreated("tenant-7", "c-7", "Bo"),
                new CashierRenamed("tenant-7", "c-7", "Bob"),
                new CashierCreated("tenant-8", "c-8", "Cy"),
                new CashierRenamed("tenant-7", "c-7", "Bobby"))).await().atMost(Duration.ofSeconds(30));

        List<ConsumerRecord<String, byte[]>> records = records("test.payments.public.cashiers").stream()
                .filter(r -> Set.of("tenant-7", "tenant-8").contains(r.key())).toList();
        List<ConsumerRecord<String, byte[]>> tenant7 = records.stream().filter(r -> r.key().equals("tenant-7")).toList();
        assertEquals(List.of("CashierCreated", "CashierRenamed", "CashierRenamed"),
                tenant7.stream().map(r -> headers(r).get("ce_type")).toList());
        assertEquals(1, tenant7.stream().map(ConsumerRecord::partition).distinct().count(),
                "records with one key must share a partition");
        assertEquals(3, describe("test.payments.public.cashiers").partitions().size());
    }

    @Test
    void compositeKeyFromFieldsAndGettersInOrderWithScopeAndVersion() {
        publisher.publish(new InvoiceIssued("t-1", "cust-9", 42)).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = single("test.billing.internal.invoice-events.v2", "t-1:cust-9");
        assertEquals("InvoiceIssued", headers(record).get("ce_type"));
    }

    @Test
    void distributedEventKeyAndDefaultDomainAndPerTypePartitions() {
        publisher.publish(new OrderLineAdded("order-3", 2)).await().atMost(Duration.ofSeconds(30));
        single("test.publish-test.public.order-lines", "order-3");
        assertEquals(5, describe("test.publish-test.public.order-lines").partitions().size());
    }

    @Test
    void noKeyAndTopicOverride() {
        publisher.publish(new Audited("login")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = records("legacy.audit-log").get(0);
        assertNull(record.key());
    }

    @Test
    void metadataAddsHeadersExtensionsSubjectAndReplacesKey() {
        publisher.publish(new CashierCreated("tenant-m", "c-m", "Di"), EventMetadata.builder()
                .key("override-key").subject("cashier/c-m").header("origin", "import").extension("tenant", "acme")
                .build()).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = single("test.payments.public.cashiers", "override-key");
        Map<String, String> headers = headers(record);
        assertEquals("import", headers.get("origin"));
        assertEquals("acme", headers.get("ce_tenant"));
        assertEquals("cashier/c-m", headers.get("ce_subject"));
    }

    @Test
    void structuredModeIsACloudEventsEnvelope() throws Exception {
        publisher.publish(new StructuredThing(17)).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = single("test.publish-test.public.structured-things", "17");
        assertEquals("application/cloudevents+json", headers(record).get("content-type"));
        assertFalse(headers(record).containsKey("ce_type"));
        JsonNode envelope = json.readTree(record.value());
        assertEquals("StructuredThing", envelope.get("type").asText());
        assertEquals("1.0", envelope.get("specversion").asText());
        assertEquals(17, envelope.get("data").get("id").asInt());
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            CloudEvent event = deserializer.deserialize(record.topic(), record.headers(), record.value());
            assertEquals("StructuredThing", event.getType());
        }
    }

    @Test
    void structuredEnvelopeCarriesEveryAttributeEscaped() throws Exception {
        String subject = "line \"1\"\n\u00e9\u2603";
        publisher.publish(new StructuredThing(18), EventMetadata.builder().subject(subject)
                .extension("tenant", "a\\b\"c").header("origin", "x").build()).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = single("test.publish-test.public.structured-things", "18");
        assertEquals("x", headers(record).get("origin"));
        try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
            CloudEvent event = deserializer.deserialize(record.topic(), record.headers(), record.value());
            assertEquals("StructuredThing", event.getType());
            assertEquals("/publish-test", event.getSource().toString());
            assertEquals(subject, event.getSubject());
            assertEquals("a\\b\"c", event.getExtension("tenant"));
            assertEquals("application/json", event.getDataContentType());
            assertEquals(18, json.readTree(event.getData().toBytes()).get("id").asInt());
            java.util.UUID.fromString(event.getId());
            assertTrue(Duration.between(event.getTime().toInstant(), java.time.Instant.now()).abs()
                    .compareTo(Duration.ofMinutes(1)) < 0, event.getTime().toString());
        }
    }

    @Test
    void idsAreDistinctUuidsAndTimesRfc3339() {
        List<CashierCreated> events = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(new CashierCreated("tenant-ids", "c-" + i, "n"));
        }
        java.time.Instant before = java.time.Instant.now().minusMillis(1);
        publisher.publishAll(events).await().atMost(Duration.ofSeconds(30));
        List<ConsumerRecord<String, byte[]>> records = records("test.payments.public.cashiers").stream()
                .filter(r -> "tenant-ids".equals(r.key())).toList();
        assertEquals(300, records.size());
        Set<String> ids = new java.util.HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Map<String, String> headers = headers(record);
            java.util.UUID id = java.util.UUID.fromString(headers.get("ce_id"));
            assertEquals(4, id.version(), headers.get("ce_id"));
            assertEquals(2, id.variant(), headers.get("ce_id"));
            ids.add(headers.get("ce_id"));
            java.time.Instant time = java.time.OffsetDateTime.parse(headers.get("ce_time")).toInstant();
            assertFalse(time.isBefore(before), headers.get("ce_time"));
        }
        assertEquals(300, ids.size(), "distinct ce_id values");
    }

    @Test
    void extensionNamedLikeAContextAttributeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventMetadata.builder().extension("time", "now"));
        assertTrue(e.getMessage().contains("'time'") && e.getMessage().contains("context attribute"), e.getMessage());
    }

    @Test
    void plainModeIsJustJson() throws Exception {
        publisher.publish(new PlainThing(5L, "hi")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = single("test.publish-test.public.plain-things", "5");
        assertTrue(headers(record).keySet().stream().noneMatch(h -> h.startsWith("ce_")), headers(record).toString());
        assertEquals("hi", json.readTree(record.value()).get("text").asText());
    }

    @Test
    void notAnEventTypeFailsWithItsName() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> publisher.publish(new NotAnEvent("x")).subscribeAsCompletionStage().join());
        assertTrue(e.getCause() instanceof PublishException);
        assertTrue(e.getCause().getMessage().contains(NotAnEvent.class.getName()), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("@io.quarkiverse.kafkaevents.EventTopic"));
    }

    @Test
    void batchWithABadEventSendsTheOthersAndFailsNamingIt() {
        PublishException e = assertThrows(PublishException.class, () -> publisher.publishAll(List.of(
                new Audited("batch-ok-1"), new NotAnEvent("x"), new Audited("batch-ok-2")))
                .await().atMost(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().startsWith("Publishing a batch of 3 events failed for 1 of them"), e.getMessage());
        assertTrue(e.getMessage().contains(NotAnEvent.class.getName()), e.getMessage());
        List<String> sent = records("legacy.audit-log").stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(v -> v.contains("batch-ok-")).toList();
        assertEquals(2, sent.size(), sent.toString());
    }

    @Test
    void nullPartitionKeyFailsNamingTheMember() {
        PublishException e = assertThrows(PublishException.class,
                () -> publisher.publish(new CashierCreated(null, "c", "n")).await().atMost(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("record component tenantId"), e.getMessage());
        assertTrue(e.getMessage().contains(CashierCreated.class.getName()), e.getMessage());
        assertEquals("test.payments.public.cashiers", e.topic());
    }

    private ConsumerRecord<String, byte[]> single(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> matching = records(topic).stream()
                .filter(r -> key.equals(r.key())).toList();
        assertEquals(1, matching.size(), "records with key " + key + " on " + topic);
        return matching.get(0);
    }

    private List<ConsumerRecord<String, byte[]>> records(String topic) {
        return RawRecords.readAll(bootstrap, topic);
    }

    private TopicDescription describe(String topic) {
        try (KafkaCompanion companion = new KafkaCompanion(bootstrap)) {
            return companion.topics().describe(topic).get(topic);
        }
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
