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
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

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
    public KafkaEventsConfig.Validation mode(EventTypeInfo info) {
        EventTypeConfig typeConfig = config.events().get(info.getType());
        return typeConfig != null && typeConfig.validation().isPresent() ? typeConfig.validation().get()
                : config.validation();
    }

    /**
     * The check of a type's events, its schema compiled; {@code null} when the type is not checked
     * ({@code validation=none}). Fails when the type's schema is missing from the class path.
     */
    public SchemaCheck check(EventTypeInfo info) {
        KafkaEventsConfig.Validation mode = mode(info);
        if (mode == KafkaEventsConfig.Validation.NONE) {
            return null;
        }
        String resource = SchemaResources.resource(info.getType(), info.getVersion());
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the JSON Schema of event type " + info.getType() + " ("
                        + info.getClassName() + ") is missing from the class path (" + resource
                        + "), so it cannot be validated: rebuild the application, or set"
                        + " quarkus.kafka-events.events.\"" + info.getType() + "\".validation=none");
            }
            Schema schema = registry.getSchema(in, InputFormat.JSON);
            return new SchemaCheck(info.getType(), info.getClassName(), schema, reader,
                    mode == KafkaEventsConfig.Validation.FAIL);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not read " + resource, e);
        }
    }
}
