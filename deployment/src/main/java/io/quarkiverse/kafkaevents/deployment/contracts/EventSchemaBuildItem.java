package io.quarkiverse.kafkaevents.deployment.contracts;

import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaResources;
import io.quarkus.builder.item.MultiBuildItem;

/**
 * The JSON Schema (2020-12) of one event type, generated from its class at build time.
 */
public final class EventSchemaBuildItem extends MultiBuildItem {

    private final String className;
    private final String type;
    private final String version;
    private final String schema;

    /**
     * @param className the event class
     * @param type its CloudEvents type
     * @param version its {@code @EventTopic} version, empty for none
     * @param schema the schema document, as JSON text
     */
    public EventSchemaBuildItem(String className, String type, String version, String schema) {
        this.className = className;
        this.type = type;
        this.version = version;
        this.schema = schema;
    }

    public String className() {
        return className;
    }

    public String type() {
        return type;
    }

    public String version() {
        return version;
    }

    /** The schema document (JSON, pretty-printed). */
    public String schema() {
        return schema;
    }

    /** The schema's file name: {@code <type>-<version>.json}, or {@code <type>.json} for a type without version. */
    public String fileName() {
        return SchemaResources.fileName(type, version);
    }
}
