package io.quarkiverse.kafkaevents.deployment.events;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;

import io.quarkiverse.kafkaevents.runtime.KafkaEventsRecorder;
import io.quarkiverse.kafkaevents.runtime.internal.jta.JtaDeferredSends;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.TransactionalOutbox;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypes;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.quarkiverse.kafkaevents.runtime.internal.publish.TransactionScope;
import io.quarkiverse.kafkaevents.runtime.internal.startup.TopicProvisioning;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.ApplicationArchive;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Consume;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.ApplicationArchivesBuildItem;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;

/**
 * Finds the {@code @EventTopic} types, fails the build on any that cannot be wired, and hands the valid ones to the
 * runtime.
 */
public class EventTypesProcessor {

    @BuildStep
    void scan(CombinedIndexBuildItem index, BuildProducer<EventTypeBuildItem> eventTypes,
            BuildProducer<DefinitionProblemBuildItem> problems) {
        EventTypeScanner.Result result = EventTypeScanner.scan(index.getIndex());
        // reported with the handlers' problems, in one build failure (DefinitionProblemsProcessor)
        for (String error : result.errors()) {
            problems.produce(new DefinitionProblemBuildItem(error));
        }
        result.eventTypes().forEach(eventTypes::produce);
    }

    @BuildStep
    AdditionalBeanBuildItem runtimeBeans() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(KafkaEventPublisher.class, EventRouting.class, TopicProvisioning.class,
                        TransactionScope.class)
                .setUnremovable()
                .build();
    }

    /**
     * After-commit delivery, only when the application has a JTA transaction manager; the outbox, only when it also has
     * a JDBC datasource.
     */
    @BuildStep
    void transactionalDelivery(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.TRANSACTIONS)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(JtaDeferredSends.class));
            if (capabilities.isPresent(Capability.AGROAL)) {
                beans.produce(AdditionalBeanBuildItem.unremovableOf(TransactionalOutbox.class));
            }
        }
    }

    @BuildStep
    @Consume(DefinitionsCheckedBuildItem.class)
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem eventTypesBean(List<EventTypeBuildItem> eventTypes, ApplicationArchivesBuildItem archives,
            KafkaEventsRecorder recorder) {
        IndexView application = archives.getRootArchive().getIndex();
        List<IndexView> modules = new ArrayList<>();
        for (ApplicationArchive archive : archives.getApplicationArchives()) {
            modules.add(archive.getIndex());
        }
        List<EventTypeInfo> infos = new ArrayList<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            infos.add(eventType.toInfo().usedByApplication(usedByApplication(application, eventType.className())
                    || usedByModule(modules, eventType.className())));
        }
        infos.sort((a, b) -> a.getClassName().compareTo(b.getClassName()));
        return SyntheticBeanBuildItem.configure(EventTypes.class)
                .scope(Singleton.class)
                .supplier(recorder.eventTypes(infos))
                .done();
    }

    /**
     * Whether the application's own classes (its root archive) declare the type or refer to it (any use in their
     * constant pool, such as creating an event to publish it). Types of dependencies that the application never mentions
     * are not its topics.
     */
    /**
     * Whether a class of another archive of the application (a module of a multi-module application, a library that
     * publishes the type) refers to the type; the archive that declares it does not count, so a shared contracts jar
     * does not make every type it declares "used".
     */
    static boolean usedByModule(List<IndexView> modules, String className) {
        DotName name = DotName.createSimple(className);
        for (IndexView module : modules) {
            if (module.getClassByName(name) == null && !module.getKnownUsers(name).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    static boolean usedByApplication(IndexView application, String className) {
        DotName name = DotName.createSimple(className);
        if (application.getClassByName(name) != null) {
            return true;
        }
        for (ClassInfo user : application.getKnownUsers(name)) {
            if (!user.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
