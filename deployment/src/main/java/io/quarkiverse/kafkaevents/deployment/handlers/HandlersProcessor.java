package io.quarkiverse.kafkaevents.deployment.handlers;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.events.DefinitionProblemBuildItem;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.EnvironmentConfigBuilder;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.ShutdownBudget;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.failure.replay.KafkaDeadLetterReplayer;
import io.quarkiverse.kafkaevents.runtime.internal.handle.ConsumerAssignments;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerKafkaSettings;
import io.quarkiverse.kafkaevents.runtime.internal.handle.RebalanceListener;
import io.quarkiverse.kafkaevents.runtime.internal.handle.StaticMembership;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.AutoAddScopeBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;

/**
 * Finds {@code @EventHandler} methods, checks their signatures, and decides the channel each one is bridged to: one
 * channel per (topic, consumer group).
 */
public class HandlersProcessor {

    static final DotName EVENT_HANDLER = DotName.createSimple(EventHandler.class.getName());
    static final DotName EVENT_TOPIC = DotName.createSimple(EventTopic.class.getName());
    static final DotName EVENT_CONTEXT = DotName.createSimple(EventContext.class.getName());
    /**
     * The consumer group of handlers that name none: {@code quarkus.kafka-events.group-id}, by default the environment
     * and the application name ({@code dev.orders-service}), so that instances of one service in different
     * environments on one cluster never share a group (and rebalance each other), the way their topics never mix.
     */
    static final String DEFAULT_GROUP = "${quarkus.kafka-events.group-id:${" + EnvironmentConfigBuilder.TOPIC_ENVIRONMENT
            + ":${quarkus.kafka-events.environment}}.${quarkus.application.name}}";
    static final DotName LIST = DotName.createSimple(List.class.getName());
    static final DotName UNI = DotName.createSimple("io.smallrye.mutiny.Uni");
    static final DotName COMPLETION_STAGE = DotName.createSimple("java.util.concurrent.CompletionStage");
    static final DotName COMPLETABLE_FUTURE = DotName.createSimple("java.util.concurrent.CompletableFuture");

    @BuildStep
    AutoAddScopeBuildItem handlerClassesAreBeans() {
        return AutoAddScopeBuildItem.builder()
                .containsAnnotations(EVENT_HANDLER)
                .defaultScope(DotName.createSimple(Singleton.class.getName()))
                .unremovable()
                .reason("Kafka Events: the class declares @EventHandler methods")
                .build();
    }

    @BuildStep
    AdditionalBeanBuildItem dispatcher() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(HandlerDispatcher.class, KafkaDeadLetterReplayer.class, EventTracing.class,
                        RebalanceListener.class, ConsumerAssignments.class, StaticMembership.class,
                        HandlerKafkaSettings.class, ShutdownBudget.class)
                .setUnremovable()
                .build();
    }

    @BuildStep
    void scan(CombinedIndexBuildItem index, List<EventTypeBuildItem> eventTypes,
            BuildProducer<HandlerBuildItem> handlers, BuildProducer<DefinitionProblemBuildItem> problems) {
        Map<String, EventTypeBuildItem> typesByClass = new HashMap<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            typesByClass.put(eventType.className(), eventType);
        }
        List<MethodInfo> methods = new ArrayList<>();
        for (AnnotationInstance annotation : index.getIndex().getAnnotations(EVENT_HANDLER)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.METHOD) {
                methods.add(annotation.target().asMethod());
            }
        }
        methods.sort(Comparator.comparing(m -> m.declaringClass().name() + "#" + m.name() + m.parameterTypes()));
        List<String> errors = new ArrayList<>();
        for (MethodInfo method : methods) {
            HandlerBuildItem handler = check(method, typesByClass, index.getIndex(), errors);
            if (handler != null) {
                handlers.produce(handler);
            }
        }
        // reported with the event types' problems, in one build failure (DefinitionProblemsProcessor)
        for (String error : errors) {
            problems.produce(new DefinitionProblemBuildItem(error));
        }
    }

    static HandlerBuildItem check(MethodInfo method, Map<String, EventTypeBuildItem> typesByClass,
            List<String> errors) {
        return check(method, typesByClass, null, errors);
    }

    /**
     * Checks one handler method; {@code index}, when given, tells an annotated event type with problems of its own
     * (reported by the event-type scan, so not again here) from a class that is no event type at all.
     */
    static HandlerBuildItem check(MethodInfo method, Map<String, EventTypeBuildItem> typesByClass, IndexView index,
            List<String> errors) {
        ClassInfo clazz = method.declaringClass();
        String label = clazz.name() + "#" + method.name();
        int before = errors.size();
        if (clazz.isInterface() || Modifier.isAbstract(clazz.flags())) {
            errors.add("@EventHandler " + label + ": the declaring class must be a concrete class to become a bean");
        } else if (clazz.nestingType() == ClassInfo.NestingType.INNER && !Modifier.isStatic(clazz.flags())) {
            errors.add("@EventHandler " + label + ": " + clazz.name()
                    + " is a non-static inner class, which cannot be a bean; make it static or top-level");
        } else if (clazz.nestingType() == ClassInfo.NestingType.LOCAL
                || clazz.nestingType() == ClassInfo.NestingType.ANONYMOUS) {
            errors.add("@EventHandler " + label + ": local and anonymous classes cannot be beans");
        }
        if (Modifier.isPrivate(method.flags()) || Modifier.isStatic(method.flags())) {
            errors.add("@EventHandler " + label + " must be a non-private instance method");
        }
        EventTypeBuildItem eventType = null;
        boolean typeReported = false;
        boolean withContext = false;
        boolean batch = false;
        if (method.parametersCount() == 0 || method.parametersCount() > 2) {
            errors.add("@EventHandler " + label + " has " + method.parametersCount() + " parameters: it takes the"
                    + " event, optionally followed by an EventContext (or a List of events, optionally followed by a"
                    + " List<EventContext>)");
        } else {
            Type first = method.parameterType(0);
            batch = first.name().equals(LIST);
            Type event = batch ? listElement(first) : first;
            eventType = event != null && event.kind() == Type.Kind.CLASS ? typesByClass.get(event.name().toString())
                    : null;
            if (eventType == null && event != null && isInvalidEventType(index, event)) {
                // the event-type scan reports what is wrong with the type; this handler is not wired
                typeReported = true;
            } else if (eventType == null && batch) {
                errors.add("@EventHandler " + label + ": its first parameter type " + first
                        + " is not a List of an event type; a batch handler takes List<E> where E is annotated with"
                        + " @EventTopic");
            } else if (eventType == null) {
                errors.add("@EventHandler " + label + ": its first parameter type " + first
                        + " is not an event type; annotate it with @EventTopic");
            }
            if (method.parametersCount() == 2) {
                Type second = method.parameterType(1);
                Type context = batch ? listElement(second) : second;
                if (context != null && context.name().equals(EVENT_CONTEXT)) {
                    withContext = true;
                } else {
                    errors.add("@EventHandler " + label + ": its second parameter must be "
                            + (batch ? "List<" + EventContext.class.getName() + "> (a batch handler)"
                                    : EventContext.class.getName())
                            + ", not " + second);
                }
            }
        }
        Type returnType = method.returnType();
        int kind = -1;
        if (returnType.kind() == Type.Kind.VOID) {
            kind = EventInvoker.BLOCKING;
        } else if (returnType.name().equals(UNI)) {
            kind = EventInvoker.UNI;
        } else if (returnType.name().equals(COMPLETION_STAGE) || returnType.name().equals(COMPLETABLE_FUTURE)) {
            kind = EventInvoker.COMPLETION_STAGE;
        } else {
            errors.add("@EventHandler " + label + " returns " + returnType
                    + ": return void, Uni<Void> or CompletionStage<Void>");
        }
        if (errors.size() > before || typeReported) {
            return null;
        }
        AnnotationValue groupValue = method.annotation(EVENT_HANDLER).value("group");
        String group = groupValue == null ? "" : groupValue.asString().trim();
        return new HandlerBuildItem(method, eventType, group, kind, withContext, batch,
                channelName(eventType, group));
    }

    /** The element type of {@code List<E>}, or {@code null} for a raw or wildcard list. */
    private static Type listElement(Type list) {
        if (list.kind() != Type.Kind.PARAMETERIZED_TYPE || !list.name().equals(LIST)) {
            return null;
        }
        Type element = list.asParameterizedType().arguments().get(0);
        return element.kind() == Type.Kind.CLASS ? element : null;
    }

    private static boolean isInvalidEventType(IndexView index, Type type) {
        if (index == null || type.kind() != Type.Kind.CLASS) {
            return false;
        }
        ClassInfo clazz = index.getClassByName(type.name());
        return clazz != null && clazz.hasDeclaredAnnotation(EVENT_TOPIC);
    }

    /**
     * A stable channel name per (topic, group): readable prefix, hash of everything that identifies the topic.
     */
    static String channelName(EventTypeBuildItem eventType, String group) {
        String identity = eventType.domain() + "|" + eventType.internal() + "|" + eventType.topicBase() + "|"
                + eventType.version() + "|" + group;
        return "kafka-events-" + eventType.topicBase() + "-" + Integer.toHexString(identity.hashCode());
    }

    /**
     * Channel settings, as defaults the application can override under {@code mp.messaging.incoming.<channel>.}.
     * The topic and group are expressions, so they follow the run-time configuration.
     */
    @BuildStep
    void channelDefaults(List<HandlerBuildItem> handlers, KafkaEventsFixedConfig fixedConfig,
            BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        boolean retryTopics = fixedConfig.failure().mode() == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS;
        Map<String, TreeMap<String, EventTypeBuildItem>> typesByChannel = new TreeMap<>();
        Map<String, String> groupByChannel = new TreeMap<>();
        for (HandlerBuildItem handler : handlers) {
            typesByChannel.computeIfAbsent(handler.channel(), c -> new TreeMap<>())
                    .put(handler.eventType().type(), handler.eventType());
            groupByChannel.put(handler.channel(), handler.group());
        }
        for (Map.Entry<String, TreeMap<String, EventTypeBuildItem>> entry : typesByChannel.entrySet()) {
            String prefix = "mp.messaging.incoming." + entry.getKey() + ".";
            String group = groupByChannel.get(entry.getKey());
            // every type of the channel brings its own run-time topic: a per-type override moves that type only
            List<String> topics = entry.getValue().values().stream().map(HandlersProcessor::topicExpression)
                    .distinct().toList();
            Map<String, String> values = new TreeMap<>();
            values.put("connector", "smallrye-kafka");
            values.put("topics", String.join(",", topics));
            values.put("group.id", group.isEmpty() ? DEFAULT_GROUP : group);
            values.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            values.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            values.put("auto.offset.reset", "${quarkus.kafka-events.auto-offset-reset}");
            values.put("partitions", "${quarkus.kafka-events.concurrency}");
            // the extension commits itself (OffsetCommits): per partition up to the first record not finished, on
            // the polling thread, synchronously on revocation and on shutdown; no limit on how long a record may take
            // (a long retry backoff, a slow handler, a refused dead-letter write): the liveness check reports
            // partitions that really make no progress instead
            values.put("commit-strategy", "ignore");
            values.put("enable.auto.commit", "false");
            // records of aborted transactions are never handled, and the lag (the consumers' records-lag) is counted
            // up to the last stable offset, so it reaches 0 on topics written in transactions
            values.put("isolation.level", "read_committed");
            // one message per poll: the dispatcher queues the poll's records in their partitions' lanes in one go, so
            // the per-record cost of SmallRye's stream (message, context capture, method call) is paid per poll
            values.put("batch", "true");
            // the dispatcher drains on shutdown (running handler calls finish, the rest is left on purpose); SmallRye
            // would then wait a commit interval per consumer for records that will never be acknowledged. Without
            // its wait it still commits what was acknowledged.
            values.put("graceful-shutdown", "false");
            // a partition paused for its backlog is resumed on the polling thread, between two polls; when every
            // partition is paused a poll waits its whole timeout with nothing to fetch, so the timeout bounds how long
            // a lane that emptied waits for its next records (SmallRye's default is 1 s)
            values.put("poll-timeout", "100");
            values.put("failure-strategy", "ignore");
            // the dispatcher reads CloudEvents itself, per record, so that a bad one is dead-lettered instead of
            // breaking the connector's stream
            values.put("cloud-events", "false");
            // the extension's span per handled record (EventTracing) is the only one: its parent is read from the
            // record's traceparent, so the connector's consumer span per record would only cost (a span and its
            // attributes per record) and sit between it and the publisher's span
            values.put("tracing-enabled", "false");
            values.put("consumer-rebalance-listener.name", RebalanceListener.NAME);
            // SmallRye's readiness of a Kafka channel is DOWN while the broker does not answer: a cause every instance
            // shares, which would take them all out of service together. The extension's own readiness check is
            // about this instance; the broker is its wellness check (KafkaEventsBrokerCheck)
            values.put("health-readiness-enabled", "false");
            produce(defaults, prefix, values);
            if (retryTopics) {
                // the retry channel: every retry topic of the event topics, in a consumer group of its own (so that
                // its joining and leaving never rebalances the event topics' consumers), from the earliest record
                values.remove("topics");
                values.put("topic", "(" + String.join("|", topics) + ")" + RetryTopics.TOPIC_PATTERN_SUFFIX);
                values.put("pattern", "true");
                values.put("group.id", "${" + prefix + "group.id}" + RetryTopics.CHANNEL_SUFFIX);
                values.put("auto.offset.reset", "earliest");
                produce(defaults, "mp.messaging.incoming." + entry.getKey() + RetryTopics.CHANNEL_SUFFIX + ".",
                        values);
            }
        }
    }

    private static void produce(BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults, String prefix,
            Map<String, String> values) {
        for (Map.Entry<String, String> value : values.entrySet()) {
            defaults.produce(new RunTimeConfigurationDefaultBuildItem(prefix + value.getKey(), value.getValue()));
        }
    }

    static String topicExpression(EventTypeBuildItem eventType) {
        // the same name as the run-time routing gives (TopicNames): lower case segments
        String domain = eventType.domain().isEmpty()
                ? "${" + EnvironmentConfigBuilder.TOPIC_DOMAIN + ":${quarkus.kafka-events.domain:${quarkus.application.name}}}"
                : eventType.domain().toLowerCase(Locale.ROOT);
        String derived = "${" + EnvironmentConfigBuilder.TOPIC_ENVIRONMENT + ":${quarkus.kafka-events.environment}}."
                + domain + "."
                + ((eventType.internal() ? "internal" : "public") + "." + eventType.topicBase()
                        + (eventType.version().isEmpty() ? "" : "." + eventType.version())).toLowerCase(Locale.ROOT);
        return "${quarkus.kafka-events.events.\"" + eventType.type() + "\".topic:" + derived + "}";
    }
}
