package io.quarkiverse.kafkaevents.runtime.dev;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.inject.Instance;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.inbox.Inbox;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkus.arc.All;

/**
 * The Dev UI's back end for the event types page (a JSON-RPC provider in dev mode only): every event type with the
 * topic it is published to under the running profile's configuration, its delivery, and its handlers in full with
 * their consumer groups.
 */
public class EventTypesJsonRpcService {

    private final EventRouting routing;
    private final HandlerDispatcher dispatcher;
    private final List<EventInvoker> invokers;
    private final KafkaEventsConfig config;
    private final Instance<Inbox> inbox;

    EventTypesJsonRpcService(EventRouting routing, HandlerDispatcher dispatcher, @All List<EventInvoker> invokers,
            KafkaEventsConfig config, Instance<Inbox> inbox) {
        this.routing = routing;
        this.dispatcher = dispatcher;
        this.invokers = invokers;
        this.config = config;
        this.inbox = inbox;
    }

    /**
     * One entry per event type, sorted by CloudEvents type then class: {@code type}, {@code className},
     * {@code topic} (resolved at start-up: environment, domain, per-type overrides), {@code delivery}
     * ({@code immediate}, {@code after-commit}, {@code outbox}), {@code format}, and {@code handlers}: per handler
     * method ({@code Class#method}, sorted) its consumer {@code group}, {@code channel}, {@code guarantee}
     * ({@code at-least-once}, {@code inbox}, {@code kafka-transaction} or both) and, for an inbox handler,
     * {@code duplicates}: the events its inbox skipped since start-up.
     */
    public List<Map<String, Object>> getEventTypes() {
        List<EventRouting.Route> routes = new ArrayList<>(routing.routes());
        routes.sort(Comparator.comparing((EventRouting.Route r) -> r.info().getType())
                .thenComparing(r -> r.info().getClassName()));
        List<Map<String, Object>> rows = new ArrayList<>(routes.size());
        for (EventRouting.Route route : routes) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("type", route.info().getType());
            row.put("className", route.info().getClassName());
            row.put("topic", route.topic());
            row.put("delivery", route.delivery().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            row.put("format", route.format().name().toLowerCase(Locale.ROOT));
            row.put("handlers", handlers(route.info().getType(), route.info().getClassName()));
            rows.add(row);
        }
        return rows;
    }

    private List<Map<String, Object>> handlers(String type, String className) {
        List<EventInvoker> of = new ArrayList<>();
        for (EventInvoker invoker : invokers) {
            if (invoker.type().equals(type) && invoker.eventClass().getName().equals(className)) {
                of.add(invoker);
            }
        }
        of.sort(Comparator.comparing(EventInvoker::handler).thenComparing(EventInvoker::channel));
        List<Map<String, Object>> handlers = new ArrayList<>(of.size());
        for (EventInvoker invoker : of) {
            Map<String, Object> handler = new LinkedHashMap<>();
            handler.put("handler", invoker.handler());
            handler.put("group", dispatcher.topology().groupOf(invoker.channel()));
            handler.put("channel", invoker.channel());
            boolean claims = inbox.isResolvable() && Inbox.enabled(config, invoker);
            HandlerChannel channel = dispatcher.topology().channel(invoker.channel());
            boolean transaction = channel != null && channel.commits.transactions() != null;
            handler.put("guarantee", claims && transaction ? "inbox + kafka-transaction"
                    : claims ? "inbox" : transaction ? "kafka-transaction" : "at-least-once");
            if (claims) {
                handler.put("duplicates", inbox.get().duplicates(invoker.handler()));
            }
            handlers.add(handler);
        }
        return handlers;
    }
}
