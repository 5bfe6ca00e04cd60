package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.EventValidation;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaResources;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.GeneratedResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.pkg.builditem.OutputTargetBuildItem;

/**
 * The event contracts: a JSON Schema per event type, generated from its class at build time, shipped as a class-path
 * resource ({@code META-INF/kafka-events/schemas/}, read by the validation before publish) and written to the build
 * output ({@code target/kafka-events/schemas/}) for people and tools.
 */
public class EventSchemaProcessor {

    private static final Logger LOG = Logger.getLogger(EventSchemaProcessor.class);

    /** The build output folder of the schemas, under the build's output directory ({@code target}). */
    static final String OUTPUT_FOLDER = "kafka-events/schemas";

    /**
     * Generates the schemas. The generator reads the event classes themselves (Jackson's view of a class needs it),
     * loaded without initialization through the build's class loader, which sees the application's classes.
     */
    @BuildStep
    void schemas(List<EventTypeBuildItem> eventTypes, BuildProducer<EventSchemaBuildItem> schemas) {
        if (eventTypes.isEmpty()) {
            return;
        }
        List<EventTypeBuildItem> sorted = new ArrayList<>(eventTypes);
        sorted.sort(Comparator.comparing(EventTypeBuildItem::className));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        EventSchemas generator = new EventSchemas();
        ObjectMapper printer = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (EventTypeBuildItem eventType : sorted) {
            try {
                Class<?> eventClass = Class.forName(eventType.className(), false, loader);
                String schema = printer.writeValueAsString(generator.schema(eventClass, eventType.type()));
                schemas.produce(new EventSchemaBuildItem(eventType.className(), eventType.type(),
                        eventType.version(), schema));
            } catch (ClassNotFoundException | LinkageError | IOException | RuntimeException e) {
                // not a build failure: the type has no contract, and validating it fails start-up with a way out
                LOG.warnf("Kafka Events: no JSON Schema could be generated for event type %s (%s), so it has no"
                        + " contract in the build output and cannot be validated before publish (set"
                        + " quarkus.kafka-events.events.\"%s\".validation=none): %s", eventType.type(),
                        eventType.className(), eventType.type(), e);
            }
        }
    }

    /** Validation before publish: compiles the schemas of the checked types at start-up. */
    @BuildStep
    AdditionalBeanBuildItem validationBean() {
        return AdditionalBeanBuildItem.unremovableOf(EventValidation.class);
    }

    /**
     * Ships the schemas as class-path resources (registered for native images too) and writes them to the build
     * output.
     */
    @BuildStep
    void resources(List<EventSchemaBuildItem> schemas, OutputTargetBuildItem output,
            BuildProducer<GeneratedResourceBuildItem> resources,
            BuildProducer<NativeImageResourceBuildItem> nativeResources) {
        if (schemas.isEmpty()) {
            return;
        }
        Path folder = output.getOutputDirectory().resolve(OUTPUT_FOLDER);
        List<String> names = new ArrayList<>();
        for (EventSchemaBuildItem schema : schemas) {
            String resource = SchemaResources.FOLDER + schema.fileName();
            byte[] bytes = schema.schema().getBytes(UTF_8);
            resources.produce(new GeneratedResourceBuildItem(resource, bytes));
            names.add(resource);
            write(folder.resolve(schema.fileName()), bytes);
        }
        nativeResources.produce(new NativeImageResourceBuildItem(names));
        LOG.debugf("Kafka Events: %d event schemas written to %s", schemas.size(), folder);
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not write the event schema " + file, e);
        }
    }
}
