package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig.Validation;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.EventValidation;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaCheck;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerGroup;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;

/**
 * Validation on the handler side ({@code quarkus.kafka-events.handler-validation} and per handler): the check of a
 * received event's JSON against its type's schema, compiled once at start-up per consumer group and type that asks
 * for it, with the strictest setting of the group's handlers of the type.
 */
final class ReceivedValidation {

    /** By consumer group, then by type; only the checked ones. */
    private final Map<String, Map<String, SchemaCheck>> checks;

    private ReceivedValidation(Map<String, Map<String, SchemaCheck>> checks) {
        this.checks = checks;
    }

    static ReceivedValidation of(HandlerTopology topology, EventRouting routing, KafkaEventsConfig config,
            EventValidation validation) {
        Map<String, EventTypeInfo> infoByType = new HashMap<>();
        for (EventRouting.Route route : routing.routes()) {
            infoByType.put(route.info().getType(), route.info());
        }
        Map<String, Map<String, SchemaCheck>> checks = new HashMap<>();
        for (HandlerGroup group : topology.groups()) {
            for (Map.Entry<String, List<EventInvoker>> byType : group.byType().entrySet()) {
                String type = byType.getKey();
                Validation mode = Validation.NONE;
                String strictest = null;
                for (EventInvoker invoker : byType.getValue()) {
                    Validation own = modeOf(config, invoker.handler());
                    if (own.ordinal() > mode.ordinal()) {
                        mode = own;
                        strictest = invoker.handler();
                    }
                }
                EventTypeInfo info = infoByType.get(type);
                if (mode == Validation.NONE || info == null) {
                    continue;
                }
                String setting = setting(config, strictest);
                SchemaCheck check = validation.compile(type, info.getClassName(), info.getVersion(),
                        mode == Validation.FAIL, true, "handled all the same by group " + group.name() + " (" + setting
                                + "=warn)",
                        setting + "=none");
                checks.computeIfAbsent(group.name(), g -> new HashMap<>()).put(type, check);
            }
        }
        return new ReceivedValidation(checks);
    }

    private static Validation modeOf(KafkaEventsConfig config, String handler) {
        HandlerConfig own = config.handlers().get(handler);
        return own != null && own.validation().isPresent() ? own.validation().get() : config.handlerValidation();
    }

    /** The setting that decided a handler's validation, for messages. */
    private static String setting(KafkaEventsConfig config, String handler) {
        HandlerConfig own = config.handlers().get(handler);
        return own != null && own.validation().isPresent()
                ? "quarkus.kafka-events.handlers.\"" + handler + "\".validation"
                : "quarkus.kafka-events.handler-validation";
    }

    /**
     * Checks a received event of the group and type: {@code null} when it matches its schema, is not checked, or only
     * warned about; the reason (type, JSON paths and rules) when it does not match and the check fails it.
     */
    String refusal(String group, String type, byte[] json) {
        Map<String, SchemaCheck> ofGroup = checks.get(group);
        SchemaCheck check = ofGroup == null ? null : ofGroup.get(type);
        if (check == null) {
            return null;
        }
        try {
            check.check(json);
            return null;
        } catch (SchemaCheck.InvalidEventException e) {
            return e.getMessage();
        }
    }
}
