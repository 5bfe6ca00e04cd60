package io.quarkiverse.kafkaevents.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaResources;

/**
 * Checks recorded events against their type's build-time JSON Schema (the class-path resource the extension
 * generated), whatever {@code quarkus.kafka-events.validation} says: a test sees every event that breaks its contract.
 */
final class SchemaChecks {

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    /** Fails with the broken rules when the JSON does not match the schema of the type (and version). */
    void check(String type, String version, String json, Object where) {
        String resource = SchemaResources.resource(type, version);
        Schema schema = schemas.computeIfAbsent(resource, this::load);
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        if (!errors.isEmpty()) {
            StringBuilder message = new StringBuilder("Event of type ").append(type).append(" at ").append(where)
                    .append(" does not match its JSON Schema (").append(resource).append("): ");
            for (int i = 0; i < errors.size(); i++) {
                Error error = errors.get(i);
                String path = error.getInstanceLocation().toString();
                message.append(i == 0 ? "" : "; ").append(path.isEmpty() ? "(root)" : path).append(": ")
                        .append(error.getMessage());
            }
            throw new AssertionError(message.append("; JSON: ").append(json).toString());
        }
    }

    private Schema load(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("The JSON Schema " + resource
                        + " is missing from the class path: was the application built with Kafka Events?");
            }
            return registry.getSchema(in, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
