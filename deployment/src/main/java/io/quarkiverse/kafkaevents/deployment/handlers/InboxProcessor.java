package io.quarkiverse.kafkaevents.deployment.handlers;

import java.util.List;
import java.util.Optional;

import io.quarkiverse.kafkaevents.deployment.events.DefinitionProblemBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.Inbox;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.InboxCheck;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.InboxInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.InboxUnavailable;
import io.quarkiverse.kafkaevents.runtime.internal.observability.metrics.InboxMetrics;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * The database inbox: its beans (the invoker decorator, the start-up check and the retention worker) where the
 * application has a JTA transaction manager and a JDBC datasource, a start-up check of the settings elsewhere; and
 * build errors for {@code @EventHandler(inbox = true)} on a handler that cannot use it.
 */
public class InboxProcessor {

    /** The inbox table's DDL ({@code inbox.schema=create}), read as a resource. */
    static final String INBOX_DDL = "META-INF/kafka-events/inbox-postgresql.sql";

    static boolean available(Capabilities capabilities) {
        return capabilities.isPresent(Capability.TRANSACTIONS) && capabilities.isPresent(Capability.AGROAL);
    }

    @BuildStep
    void beans(Capabilities capabilities, Optional<MetricsCapabilityBuildItem> metrics,
            BuildProducer<AdditionalBeanBuildItem> beans, BuildProducer<NativeImageResourceBuildItem> resources) {
        if (available(capabilities)) {
            beans.produce(AdditionalBeanBuildItem.builder()
                    .addBeanClasses(Inbox.class, InboxCheck.class, InboxInvoker.class)
                    .setUnremovable()
                    .build());
            if (metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)) {
                beans.produce(AdditionalBeanBuildItem.unremovableOf(InboxMetrics.class));
            }
            resources.produce(new NativeImageResourceBuildItem(INBOX_DDL));
        } else {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(InboxUnavailable.class));
        }
    }

    @BuildStep
    void check(List<HandlerBuildItem> handlers, Capabilities capabilities,
            BuildProducer<DefinitionProblemBuildItem> problems) {
        for (HandlerBuildItem handler : handlers) {
            if (!handler.inbox()) {
                continue;
            }
            if (handler.batch()) {
                problems.produce(new DefinitionProblemBuildItem("@EventHandler(inbox = true) " + handler.label()
                        + " is a batch handler (it takes a List of events): the inbox needs a blocking handler of one"
                        + " event, returning void"));
            } else if (handler.kind() != EventInvoker.BLOCKING) {
                problems.produce(new DefinitionProblemBuildItem("@EventHandler(inbox = true) " + handler.label()
                        + " is non-blocking (it returns " + handler.method().returnType().name().local()
                        + "): the inbox runs the handler in a JTA transaction on a worker thread, so it needs a"
                        + " blocking handler returning void"));
            }
            if (!available(capabilities)) {
                problems.produce(new DefinitionProblemBuildItem("@EventHandler(inbox = true) " + handler.label()
                        + ": the inbox needs quarkus-narayana-jta and quarkus-agroal (with a JDBC driver, such as"
                        + " quarkus-jdbc-postgresql); add them, or remove inbox = true"));
            }
        }
    }
}
