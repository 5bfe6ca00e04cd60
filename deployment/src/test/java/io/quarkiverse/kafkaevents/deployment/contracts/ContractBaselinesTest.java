package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * The baselines command: a build with {@code quarkus.kafka-events.contracts.write-baselines=true} writes each event
 * type's schema to {@code <baselines>/<type>/v<version>.json}; a type that had no baseline is reported {@code new} in
 * the class-path resource {@code META-INF/kafka-events/compatibility.json}.
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
    static final Path BASELINES = Path.of((String) System.getProperties().computeIfAbsent(
            ContractBaselinesTest.class.getName() + ".baselines",
            key -> Path.of("target/contract-baselines-test/" + System.nanoTime()).toAbsolutePath().toString()));

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BaselineOrder.class, Orders.class))
            .overrideConfigKey("quarkus.application.name", "baselines-test")
            .overrideConfigKey("quarkus.kafka-events.topics.partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.contracts.baselines", BASELINES.toString())
            .overrideConfigKey("quarkus.kafka-events.contracts.write-baselines", "true");

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
            assertEquals(1, types.count());
        }

        assertEquals(mapper.readTree("""
                { "BaselineOrder": { "version": 2, "verdict": "new", "messages": [
                  "no baseline at %s (written by -Dquarkus.kafka-events.contracts.write-baselines=true)" ] } }
                """.formatted(file)), mapper.readTree(resource("META-INF/kafka-events/compatibility.json")));
        assertFalse(schema.isEmpty());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
