package io.quarkiverse.kafkaevents.deployment.events;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveHierarchyBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;

/**
 * What a native executable needs beyond the JVM: Jackson reads and writes event types reflectively, the CloudEvents
 * SDK finds its formats with a service loader, and the outbox creates its table from a resource.
 */
public class EventsNativeProcessor {

    static final String CLOUDEVENTS_FORMAT = "io.cloudevents.core.format.EventFormat";

    @BuildStep
    void registerEventTypes(List<EventTypeBuildItem> eventTypes, CombinedIndexBuildItem index,
            BuildProducer<ReflectiveClassBuildItem> reflective, BuildProducer<ReflectiveHierarchyBuildItem> hierarchy) {
        if (eventTypes.isEmpty()) {
            return;
        }
        List<String> classes = new ArrayList<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            classes.add(eventType.className());
            // what Jackson reaches from the event: nested records, enums, collections' element types, supertypes
            hierarchy.produce(ReflectiveHierarchyBuildItem.builder(eventType.className())
                    .index(index.getIndex())
                    .source("Kafka Events: the fields of event type " + eventType.className())
                    .build());
        }
        reflective.produce(ReflectiveClassBuildItem.builder(classes.toArray(String[]::new))
                .constructors().methods().fields()
                .reason("Kafka Events: event types are serialized to and from JSON by Jackson")
                .build());
    }

    /** The outbox table's DDL ({@code outbox.schema=create}), read as a resource: where the outbox can be used. */
    static final String OUTBOX_DDL = "META-INF/kafka-events/outbox-postgresql.sql";

    @BuildStep
    void outboxDdl(Capabilities capabilities, BuildProducer<NativeImageResourceBuildItem> resources) {
        if (capabilities.isPresent(Capability.TRANSACTIONS) && capabilities.isPresent(Capability.AGROAL)) {
            resources.produce(new NativeImageResourceBuildItem(OUTBOX_DDL));
        }
    }

    @BuildStep
    ServiceProviderBuildItem cloudEventsFormats() {
        return ServiceProviderBuildItem.allProvidersFromClassPath(CLOUDEVENTS_FORMAT);
    }
}
