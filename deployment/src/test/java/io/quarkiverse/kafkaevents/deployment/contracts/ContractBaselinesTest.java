package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The baselines command: a build with {@code quarkus.kafka-events.contracts.write-baselines=true} writes each event
 * type's schema to {@code <baselines>/<type>/v<version>.json}; a type that had no baseline is reported {@code new} in
 * the class-path resource {@code META-INF/kafka-events/compatibility.json}. And validation on the handler side: with
 * {@code validation=fail} for a handler, a foreign record that is valid JSON and decodes, but breaks its type's schema,
 * is dead-lettered at once with the JSON path and rule in its reason, while a valid one is handled.
 */
public class ContractBaselinesTest {

    @EventTopic(value = "baseline-orders", pluralize = false, version = "v2")
    public record BaselineOrder(@PartitionKey @NotNull String orderId, int quantity) {
    }

    @ApplicationScoped
    public static class Orders {
        @Inject
        EventPublisher publisher;

        public void place(String id) {
            publisher.publish(new BaselineOrder(id, 1));
        }
    }

    /**
     * A fresh folder per run: every type is new. Kept in a system property, since the test class is loaded again in
     * the application's class loader and must find the same folder there.
     */
    /** Handled, with {@code validation=fail}; {@code cents} below 1 decodes but breaks the schema. */
    @EventTopic(value = "checked-payments", pluralize = false)
    public record CheckedPayment(@PartitionKey @NotNull String paymentId, @Min(1) int cents) {
    }

    @ApplicationScoped
    public static class Payments {
        static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();

        @EventHandler
        void on(CheckedPayment payment) {
            HANDLED.add(payment.paymentId());
        }
    }

    static final String PAYMENTS = "test.baselines-test.public.checked-payments";

    static final Path BASELINES = Path.of((String) System.getProperties().computeIfAbsent(
            ContractBaselinesTest.class.getName() + ".baselines",
            key -> Path.of("target/contract-baselines-test/" + System.nanoTime()).toAbsolutePath().toString()));

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BaselineOrder.class, Orders.class, CheckedPayment.class,
                    Payments.class, RawRecords.class))
            .overrideConfigKey("quarkus.application.name", "baselines-test")
            .overrideConfigKey("quarkus.kafka-events.topics.partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.contracts.baselines", BASELINES.toString())
            .overrideConfigKey("quarkus.kafka-events.contracts.write-baselines", "true")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Payments.class.getName() + "#on\".validation", "fail");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectMapper mapper;

    @Test
    void writeBaselinesWritesTheSchemaOfEachTypeAndVersionAndANewTypeIsReportedNew() throws Exception {
        String schema = resource("META-INF/kafka-events/schemas/BaselineOrder-v2.json");
        Path file = BASELINES.resolve("BaselineOrder/v2.json");
        assertEquals(schema.strip() + "\n", Files.readString(file, UTF_8));
        assertEquals(mapper.readTree("""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "BaselineOrder",
                  "type": "object",
                  "properties": {
                    "orderId": { "type": "string" },
                    "quantity": { "type": "integer" }
                  },
                  "required": ["orderId", "quantity"],
                  "additionalProperties": false
                }
                """), mapper.readTree(file.toFile()));
        try (Stream<Path> types = Files.list(BASELINES)) {
            assertEquals(2, types.count());
        }

        assertEquals(mapper.readTree("""
                { "BaselineOrder": { "version": 2, "verdict": "new", "messages": [
                  "no baseline at %s (written by -Dquarkus.kafka-events.contracts.write-baselines=true)" ] },
                  "CheckedPayment": { "version": 1, "verdict": "new", "messages": [
                  "no baseline at %s (written by -Dquarkus.kafka-events.contracts.write-baselines=true)" ] } }
                """.formatted(file, BASELINES.resolve("CheckedPayment/v1.json"))),
                mapper.readTree(resource("META-INF/kafka-events/compatibility.json")));
        assertFalse(schema.isEmpty());
    }

    @Test
    void aReceivedEventThatBreaksItsSchemaIsDeadLetteredWithThePathAndRuleAndAValidOneIsHandled() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            // plain JSON from a foreign producer: both decode into CheckedPayment
            producer.send(new ProducerRecord<>(PAYMENTS, "pay-invalid",
                    "{\"paymentId\":\"pay-invalid\",\"cents\":0}".getBytes(UTF_8))).get();
            producer.send(new ProducerRecord<>(PAYMENTS, "pay-valid",
                    "{\"paymentId\":\"pay-valid\",\"cents\":5}".getBytes(UTF_8))).get();
            // from a newer publisher of the version, with a field this handler's schema does not name: the gate lets
            // publishers add fields, so readers tolerate them
            producer.send(new ProducerRecord<>(PAYMENTS, "pay-newer",
                    "{\"paymentId\":\"pay-newer\",\"cents\":7,\"currency\":\"EUR\"}".getBytes(UTF_8))).get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, byte[]>> dead = List.of();
        while (System.nanoTime() < deadline && (dead.isEmpty() || !Payments.HANDLED.contains("pay-valid")
                || !Payments.HANDLED.contains("pay-newer"))) {
            Thread.sleep(200);
            dead = RawRecords.readAll(bootstrap, PAYMENTS + ".dead-letter");
        }
        assertEquals(Set.of("pay-valid", "pay-newer"), Payments.HANDLED);
        assertEquals(1, dead.size(), dead.toString());
        ConsumerRecord<String, byte[]> record = dead.get(0);
        assertEquals("pay-invalid", record.key());
        Map<String, String> headers = new HashMap<>();
        record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), UTF_8)));
        String reason = headers.get("kafka-events-dlt-reason");
        assertTrue(reason.startsWith("Event of type CheckedPayment (" + CheckedPayment.class.getName()
                + ") does not match its JSON Schema: /cents: "), reason);
        assertTrue(reason.endsWith("(rule 'minimum')"), reason);
        // a permanent failure: dead-lettered without a handler attempt
        assertEquals("0", headers.get("kafka-events-dlt-attempts"), headers.toString());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
