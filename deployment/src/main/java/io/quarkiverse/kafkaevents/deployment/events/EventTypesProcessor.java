package io.quarkiverse.kafkaevents.deployment.events;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.quarkiverse.kafkaevents.runtime.internal.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.EventTypeInfo;
import io.quarkiverse.kafkaevents.runtime.internal.EventTypes;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventPublisher;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsRecorder;
import io.quarkiverse.kafkaevents.runtime.internal.TopicProvisioning;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;

/**
 * Finds the {@code @EventTopic} types, fails the build on any that cannot be wired, and hands the valid ones to the
 * runtime.
 */
public class EventTypesProcessor {

    @BuildStep
    void scan(CombinedIndexBuildItem index, BuildProducer<EventTypeBuildItem> eventTypes) {
        EventTypeScanner.Result result = EventTypeScanner.scan(index.getIndex());
        if (!result.errors().isEmpty()) {
            throw new EventDefinitionException(result.errors());
        }
        result.eventTypes().forEach(eventTypes::produce);
    }

    @BuildStep
    AdditionalBeanBuildItem runtimeBeans() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(KafkaEventPublisher.class, EventRouting.class, TopicProvisioning.class)
                .setUnremovable()
                .build();
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem eventTypesBean(List<EventTypeBuildItem> eventTypes, KafkaEventsRecorder recorder) {
        List<EventTypeInfo> infos = new ArrayList<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            infos.add(eventType.toInfo());
        }
        infos.sort((a, b) -> a.getClassName().compareTo(b.getClassName()));
        return SyntheticBeanBuildItem.configure(EventTypes.class)
                .scope(Singleton.class)
                .supplier(recorder.eventTypes(infos))
                .done();
    }
}
