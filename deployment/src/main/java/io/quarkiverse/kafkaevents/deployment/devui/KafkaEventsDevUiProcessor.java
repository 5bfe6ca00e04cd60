package io.quarkiverse.kafkaevents.deployment.devui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.deployment.asyncapi.AsyncApiEndpointProcessor;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerBuildItem;
import io.quarkiverse.kafkaevents.runtime.dev.CatalogJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.DeadLetterRecordsJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.DevHandlerStats;
import io.quarkiverse.kafkaevents.runtime.dev.EventTypesJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.HandlersJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.KafkaEventsJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.OutboxJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.PublishJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.internal.failure.replay.DeadLetterRecordReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.DevPostgresTakeover;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/**
 * The extension's Dev UI card: a page of the application's event types (resolved topics, delivery, handlers and their
 * consumer groups; each type's contract: schema, example, compatibility verdict, and a form to publish one), a page
 * of the handlers (group, lag, outcomes since start-up, counted by {@link DevHandlerStats}), a page of
 * dead-letter topics with a replay action, and, when the application uses the outbox, a
 * page of its pending and failed rows with retry and skip actions, and the AsyncAPI document served at
 * {@code /q/kafka-events/asyncapi}; each web-component page backed by a JSON-RPC service of its own
 * ({@link EventTypesJsonRpcService}, {@link KafkaEventsJsonRpcService}, {@link OutboxJsonRpcService}). Local dev mode
 * only, like the Dev UI.
 */
@BuildSteps(onlyIf = IsLocalDevelopment.class)
public class KafkaEventsDevUiProcessor {

    static final String EVENT_TYPES = "eventTypes";

    @BuildStep
    CardPageBuildItem card(List<EventTypeBuildItem> eventTypes, List<HandlerBuildItem> handlers,
            Capabilities capabilities) {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addBuildTimeData(EVENT_TYPES, eventTypeRows(eventTypes, handlers));
        card.addPage(Page.webComponentPageBuilder()
                .title("Event types")
                .icon("font-awesome-solid:envelope")
                .staticLabel(String.valueOf(eventTypes.size()))
                .componentLink("qwc-kafka-events-event-types.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Handlers")
                .icon("font-awesome-solid:gears")
                .staticLabel(String.valueOf(handlers.size()))
                .componentLink("qwc-kafka-events-handlers.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Dead letters")
                .icon("font-awesome-solid:skull-crossbones")
                .componentLink("qwc-kafka-events-dead-letters.js"));
        if (outboxUsed(capabilities)) {
            card.addPage(Page.webComponentPageBuilder()
                    .title("Outbox")
                    .icon("font-awesome-solid:inbox")
                    .componentLink("qwc-kafka-events-outbox.js"));
        }
        if (!eventTypes.isEmpty()) {
            // served in dev mode by AsyncApiEndpointProcessor
            String asyncApi = nonApplicationPath(AsyncApiEndpointProcessor.PATH);
            card.addPage(Page.externalPageBuilder("AsyncAPI")
                    .icon("font-awesome-solid:file-code")
                    .url(asyncApi, asyncApi)
                    .isJsonContent());
        }
        return card;
    }

    /**
     * Beans of the pages, in dev mode only: the handlers page's counts (an {@code EventMonitor}) and the dead-letters
     * page's one-record replay.
     */
    @BuildStep
    AdditionalBeanBuildItem pageBeans() {
        return AdditionalBeanBuildItem.builder().addBeanClasses(DevHandlerStats.class, DeadLetterRecordReplayer.class)
                .setUnremovable().build();
    }

    @BuildStep
    void jsonRpcServices(Capabilities capabilities, BuildProducer<JsonRPCProvidersBuildItem> services) {
        services.produce(new JsonRPCProvidersBuildItem(HandlersJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(CatalogJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(PublishJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(EventTypesJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(KafkaEventsJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(DeadLetterRecordsJsonRpcService.class));
        if (outboxUsed(capabilities)) {
            services.produce(new JsonRPCProvidersBuildItem(OutboxJsonRpcService.class));
        }
    }

    /** The absolute path of {@code path} under the non-application root ({@code /q/} by default). */
    static String nonApplicationPath(String path) {
        Config config = ConfigProvider.getConfig();
        String nonApplication = config.getOptionalValue("quarkus.http.non-application-root-path", String.class)
                .orElse("q");
        String root = config.getOptionalValue("quarkus.http.root-path", String.class).orElse("/");
        String base = nonApplication.startsWith("/") ? nonApplication
                : (root.endsWith("/") ? root : root + "/") + nonApplication;
        return (base.endsWith("/") ? base : base + "/") + path;
    }

    /**
     * Whether the application uses the outbox: it has the outbox bean (a JTA transaction manager and a JDBC
     * datasource) and outbox delivery is configured, for the application or an event type. In dev mode a change of
     * that configuration restarts the application, so the page follows it.
     */
    static boolean outboxUsed(Capabilities capabilities) {
        if (!capabilities.isPresent(Capability.TRANSACTIONS) || !capabilities.isPresent(Capability.AGROAL)) {
            return false;
        }
        Config config = ConfigProvider.getConfig();
        return DevPostgresTakeover.outboxConfigured(key -> config.getOptionalValue(key, String.class).orElse(null),
                config.getPropertyNames());
    }

    /**
     * One row per event type, sorted by CloudEvents type: its class, topic base name (the run-time topic is the
     * event types page's JSON-RPC data), its handlers in full as {@code Class#method}, sorted, its version and its
     * partition key (the {@code @PartitionKey} members in key order, or {@code DistributedEvent.partitionKey()}).
     */
    static List<Map<String, Object>> eventTypeRows(List<EventTypeBuildItem> eventTypes,
            List<HandlerBuildItem> handlers) {
        Map<String, TreeSet<String>> handlersByClass = new TreeMap<>();
        for (HandlerBuildItem handler : handlers) {
            handlersByClass.computeIfAbsent(handler.eventType().className(), c -> new TreeSet<>()).add(handler.label());
        }
        List<EventTypeBuildItem> sorted = new ArrayList<>(eventTypes);
        sorted.sort(Comparator.comparing(EventTypeBuildItem::type).thenComparing(EventTypeBuildItem::className));
        List<Map<String, Object>> rows = new ArrayList<>(sorted.size());
        for (EventTypeBuildItem eventType : sorted) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("type", eventType.type());
            row.put("className", eventType.className());
            row.put("topicBase", eventType.topicBase());
            row.put("handlers", List.copyOf(handlersByClass.getOrDefault(eventType.className(), new TreeSet<>())));
            row.put("version", eventType.version());
            row.put("partitionKey", partitionKey(eventType));
            rows.add(row);
        }
        return rows;
    }

    private static List<String> partitionKey(EventTypeBuildItem eventType) {
        List<String> key = new ArrayList<>();
        switch (eventType.keyStyle()) {
            case MEMBERS -> eventType.keyMembers().stream()
                    .sorted(Comparator.comparingInt(EventTypeBuildItem.KeyMember::order))
                    .forEach(member -> key.add(member.memberName()));
            case INTERFACE -> key.add("DistributedEvent.partitionKey()");
            default -> {
            }
        }
        return key;
    }
}
