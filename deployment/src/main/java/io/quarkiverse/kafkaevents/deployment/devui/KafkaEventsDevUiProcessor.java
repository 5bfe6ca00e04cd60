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

import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerBuildItem;
import io.quarkiverse.kafkaevents.runtime.dev.EventTypesJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.KafkaEventsJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.dev.OutboxJsonRpcService;
import io.quarkiverse.kafkaevents.runtime.internal.outbox.DevPostgresTakeover;
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
 * consumer groups), a page of dead-letter topics with a replay action, and, when the application uses the outbox, a
 * page of its pending and failed rows with retry and skip actions; each page backed by a JSON-RPC service of its own
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
                .title("Dead letters")
                .icon("font-awesome-solid:skull-crossbones")
                .componentLink("qwc-kafka-events-dead-letters.js"));
        if (outboxUsed(capabilities)) {
            card.addPage(Page.webComponentPageBuilder()
                    .title("Outbox")
                    .icon("font-awesome-solid:inbox")
                    .componentLink("qwc-kafka-events-outbox.js"));
        }
        return card;
    }

    @BuildStep
    void jsonRpcServices(Capabilities capabilities, BuildProducer<JsonRPCProvidersBuildItem> services) {
        services.produce(new JsonRPCProvidersBuildItem(EventTypesJsonRpcService.class));
        services.produce(new JsonRPCProvidersBuildItem(KafkaEventsJsonRpcService.class));
        if (outboxUsed(capabilities)) {
            services.produce(new JsonRPCProvidersBuildItem(OutboxJsonRpcService.class));
        }
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
     * event types page's JSON-RPC data), and its handlers in full as {@code Class#method}, sorted.
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
            rows.add(row);
        }
        return rows;
    }
}
