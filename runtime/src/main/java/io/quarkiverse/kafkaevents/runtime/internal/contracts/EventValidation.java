package io.quarkiverse.kafkaevents.runtime.internal.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.inject.Singleton;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.quarkiverse.kafkaevents.runtime.internal.EventTypeConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validation before publish ({@code quarkus.kafka-events.validation}): compiles, once at start-up, the build-time JSON
 * Schema of each event type that is checked, read from its class-path resource ({@link SchemaResources}).
 */
@Singleton
public class EventValidation {

    private final KafkaEventsConfig config;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final ObjectMapper reader = JsonMapper.builder().build();

    EventValidation(KafkaEventsConfig config) {
        this.config = config;
    }

    /** The validation of a type, as configured for it. */
    public KafkaEventsConfig.Validation mode(String type) {
        EventTypeConfig typeConfig = config.events().get(type);
        return typeConfig != null && typeConfig.validation().isPresent() ? typeConfig.validation().get()
                : config.validation();
    }

    /**
     * The check of a type's events, its schema compiled; {@code null} when the type is not checked
     * ({@code validation=none}). Fails when the type's schema is missing from the class path.
     */
    public SchemaCheck check(String type, String className, String version) {
        KafkaEventsConfig.Validation mode = mode(type);
        if (mode == KafkaEventsConfig.Validation.NONE) {
            return null;
        }
        return compile(type, className, version, mode == KafkaEventsConfig.Validation.FAIL, false,
                "published all the same (quarkus.kafka-events.validation=warn)",
                "quarkus.kafka-events.events.\"" + type + "\".validation=none");
    }

    /**
     * A check of a type's events against its schema, compiled from its class-path resource.
     *
     * @param fail whether an invalid event throws {@link SchemaCheck.InvalidEventException} (else a warning is logged)
     * @param tolerant whether fields the schema does not name are accepted (a reader's check: a publisher of the same
     *        version may add optional fields, which the compatibility gate allows), rather than refused (a
     *        publisher's check: it publishes only what its schema names)
     * @param warned what the warning says happened to the event, with the setting that asked for the check
     * @param wayOut the setting that switches the check off, for the message when the schema is missing
     */
    public SchemaCheck compile(String type, String className, String version, boolean fail, boolean tolerant,
            String warned, String wayOut) {
        String resource = SchemaResources.resource(type, version);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the JSON Schema of event type " + type + " ("
                        + className + ") is missing from the class path (" + resource
                        + "), so it cannot be validated: rebuild the application, or set " + wayOut);
            }
            Schema schema;
            if (tolerant) {
                JsonNode tree = reader.readTree(in);
                opened(tree);
                schema = registry.getSchema(tree);
            } else {
                schema = registry.getSchema(in, InputFormat.JSON);
            }
            return new SchemaCheck(type, className, schema, reader, fail, warned);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not read " + resource, e);
        }
    }

    /** Removes every {@code "additionalProperties": false} of a schema: its objects then accept unnamed fields. */
    private static void opened(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode additional = object.get("additionalProperties");
            if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                object.remove("additionalProperties");
            }
        }
        for (JsonNode child : node) {
            opened(child);
        }
    }
}
