package io.quarkiverse.kafkaevents.runtime.internal.handle.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.runtime.internal.HandlerConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerGroup;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.ChannelTransactions;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.TransactionalProducers;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * The handler channels and consumer groups of the application, resolved at start-up: the generated channels (one per
 * build-time topic and group), the topics each one reads under the run-time topic names, and the handlers of each
 * group by type.
 * <p>
 * A channel subscribes to the run-time topics of all its types, so a per-type topic override moves that type only.
 * Records are routed by group and type, not by channel, so channels of one group whose topics overlap at run time
 * still bring every record to its handlers.
 */
public final class HandlerTopology {

    private final Map<String, HandlerChannel> channels;
    private final Map<String, HandlerGroup> groups;
    /** The run-time topic of each handled type. */
    private final Map<String, String> typeTopics;
    private final List<EventInvoker> invokers;

    public HandlerTopology(List<EventInvoker> invokers, EventRouting routing, KafkaEventsFixedConfig.FailureMode mode,
            KafkaEventsConfig settings, KafkaClientService clients) {
        Map<String, HandlerConfig> handlerConfigs = settings.handlers();
        this.invokers = List.copyOf(invokers);
        Map<String, String> topicOfType = new HashMap<>();
        for (EventRouting.Route route : routing.routes()) {
            topicOfType.put(route.info().getType(), route.topic());
        }
        this.typeTopics = topicOfType;
        Config config = ConfigProvider.getConfig();
        String defaultGroup = config.getOptionalValue("quarkus.application.name", String.class).orElse("application");
        List<EventInvoker> sorted = new ArrayList<>(invokers);
        sorted.sort(Comparator.comparing(EventInvoker::handler));
        Map<String, List<EventInvoker>> byChannel = new TreeMap<>();
        for (EventInvoker invoker : sorted) {
            byChannel.computeIfAbsent(invoker.channel(), c -> new ArrayList<>()).add(invoker);
        }
        Map<String, HandlerChannel> channelMap = new LinkedHashMap<>();
        Map<String, Map<String, List<EventInvoker>>> typesByGroup = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<EventInvoker>> entry : byChannel.entrySet()) {
            String channel = entry.getKey();
            String prefix = "mp.messaging.incoming." + channel + ".";
            String group = config.getOptionalValue(prefix + "group.id", String.class).orElse(defaultGroup);
            Set<String> topics = new TreeSet<>();
            for (EventInvoker invoker : entry.getValue()) {
                topics.add(topicOfType.get(invoker.type()));
                typesByGroup.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .computeIfAbsent(invoker.type(), t -> new ArrayList<>()).add(invoker);
            }
            checkSubscription(config, channel, topics, problems);
            boolean blocking = entry.getValue().stream().anyMatch(invoker -> invoker.kind() == EventInvoker.BLOCKING);
            int keyLanes = entry.getValue().stream().mapToInt(invoker -> {
                HandlerConfig handlerConfig = handlerConfigs.get(invoker.handler());
                return handlerConfig == null ? 1 : handlerConfig.keyConcurrency();
            }).min().orElse(1);
            if (keyLanes < 1) {
                problems.add("quarkus.kafka-events.handlers.\"<handler>\".key-concurrency must be at least 1 (channel "
                        + channel + ")");
            }
            boolean batchHandlers = false;
            for (EventInvoker invoker : entry.getValue()) {
                HandlerConfig handlerConfig = handlerConfigs.get(invoker.handler());
                if (invoker.batch() && handlerConfig != null && handlerConfig.keyConcurrency() > 1) {
                    problems.add("quarkus.kafka-events.handlers.\"" + invoker.handler() + "\".key-concurrency is "
                            + handlerConfig.keyConcurrency() + ", but " + invoker.handler() + " is a batch handler: its"
                            + " batches hold the records of one partition in order; remove the setting");
                }
                batchHandlers |= invoker.batch();
            }
            ChannelTransactions.Settings transactions = null;
            if (inTransaction(entry.getValue(), handlerConfigs, settings.transactions().enabled(), keyLanes,
                    problems)) {
                transactions = TransactionalProducers.settings(settings, config, clients);
            }
            channelMap.put(channel, new HandlerChannel(channel, topics, group, group, false, blocking, keyLanes,
                    batchHandlers, clients, transactions));
            if (mode == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS) {
                String retryChannel = channel + RetryTopics.CHANNEL_SUFFIX;
                String retryGroup = config.getOptionalValue("mp.messaging.incoming." + retryChannel + ".group.id",
                        String.class).orElse(group + RetryTopics.CHANNEL_SUFFIX);
                channelMap.put(retryChannel, new HandlerChannel(retryChannel, topics, group, retryGroup, true, blocking,
                        1, false, clients, transactions));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Kafka Events configuration error: " + String.join("; ", problems));
        }
        Map<String, HandlerGroup> groupMap = new HashMap<>();
        typesByGroup.forEach((group, byType) -> groupMap.put(group,
                new HandlerGroup(group, byType, plainTypes(byType.keySet(), topicOfType))));
        this.channels = channelMap;
        this.groups = groupMap;
    }

    /**
     * Whether the channel's handlers run in Kafka transactions: when one of them asks (its setting, its annotation, or
     * the application default), all of them do, since they share the channel's consumers; each must then be a
     * blocking handler of one event, and the channel's partitions handled in order.
     */
    private static boolean inTransaction(List<EventInvoker> invokers, Map<String, HandlerConfig> handlerConfigs,
            boolean byDefault, int keyLanes, List<String> problems) {
        String asking = null;
        for (EventInvoker invoker : invokers) {
            HandlerConfig handlerConfig = handlerConfigs.get(invoker.handler());
            Optional<Boolean> set = handlerConfig == null ? Optional.empty() : handlerConfig.kafkaTransaction();
            if (set.orElse(invoker.kafkaTransaction() || byDefault)) {
                asking = invoker.handler();
                break;
            }
        }
        if (asking == null) {
            return false;
        }
        String why = asking + " asks for a Kafka transaction (@EventHandler(kafkaTransaction = true),"
                + " quarkus.kafka-events.handlers.\"" + asking + "\".kafka-transaction or"
                + " quarkus.kafka-events.transactions.enabled)";
        for (EventInvoker invoker : invokers) {
            if (invoker.kind() != EventInvoker.BLOCKING || invoker.batch()) {
                problems.add(why + ", and " + invoker.handler() + " shares its consumers but is "
                        + (invoker.batch() ? "a batch handler" : "non-blocking (it returns Uni or CompletionStage)")
                        + ": a handler in a Kafka transaction must be a blocking (void) handler of one event; set"
                        + " quarkus.kafka-events.handlers.\"" + invoker.handler() + "\".kafka-transaction=false"
                        + " and on every handler of the group and topic, or make it blocking");
            }
        }
        if (keyLanes > 1) {
            problems.add(why + ", but its consumers handle records by key side by side"
                    + " (quarkus.kafka-events.handlers.\"<handler>\".key-concurrency=" + keyLanes + "): a transaction"
                    + " commits a partition's offset past every record whose events it holds, which needs the records"
                    + " of a partition handled in order; remove key-concurrency or the Kafka transaction");
        }
        return true;
    }

    /**
     * The channel must subscribe to exactly the run-time topics of its types; a user setting of its {@code topics}
     * (or {@code topic}) that differs would leave handlers without records.
     */
    private static void checkSubscription(Config config, String channel, Set<String> topics, List<String> problems) {
        String prefix = "mp.messaging.incoming." + channel + ".";
        String configured = config.getOptionalValue(prefix + "topics", String.class)
                .or(() -> config.getOptionalValue(prefix + "topic", String.class)).orElse("");
        Set<String> subscribed = Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        if (!subscribed.equals(topics)) {
            problems.add("the handler channel " + channel + " subscribes to " + subscribed + " but its event types are"
                    + " published to " + topics + "; set topics with quarkus.kafka-events.events.\"<type>\".topic,"
                    + " not with " + prefix + "topic(s)");
        }
    }

    /** Per topic, the type plain JSON records are handled as: the only handled type of the group on that topic. */
    private static Map<String, String> plainTypes(Set<String> types, Map<String, String> topicOfType) {
        Map<String, List<String>> typesByTopic = new HashMap<>();
        for (String type : types) {
            typesByTopic.computeIfAbsent(topicOfType.get(type), t -> new ArrayList<>()).add(type);
        }
        Map<String, String> plain = new HashMap<>();
        typesByTopic.forEach((topic, onTopic) -> {
            if (onTopic.size() == 1) {
                plain.put(topic, onTopic.get(0));
            }
        });
        return Map.copyOf(plain);
    }

    /** The consumer groups of the handlers, with their handlers by type. */
    public Collection<HandlerGroup> groups() {
        return groups.values();
    }

    public HandlerChannel channel(String name) {
        return channels.get(name);
    }

    public Iterable<HandlerChannel> channels() {
        return channels.values();
    }

    public Set<String> channelNames() {
        return channels.keySet();
    }

    HandlerGroup group(String name) {
        return groups.get(name);
    }

    /** The event topics of each handler channel (retry channels are not included). */
    public Map<String, Set<String>> topics() {
        Map<String, Set<String>> topics = new TreeMap<>();
        for (HandlerChannel handlers : channels.values()) {
            if (!handlers.retry) {
                topics.put(handlers.channel, handlers.topics);
            }
        }
        return topics;
    }

    public Set<String> handledTypes() {
        return typeTopics.keySet().stream().filter(type -> invokers.stream().anyMatch(i -> i.type().equals(type)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The handled types of a group published to a topic, sorted. */
    List<String> typesOn(String group, String topic) {
        HandlerGroup handlerGroup = groups.get(group);
        List<String> types = new ArrayList<>();
        if (handlerGroup != null) {
            for (String type : handlerGroup.byType().keySet()) {
                if (topic.equals(typeTopics.get(type))) {
                    types.add(type);
                }
            }
        }
        types.sort(null);
        return types;
    }

    /** The handlers, of any group, of the types published to a topic. */
    public List<EventInvoker> invokersOf(String topic) {
        return invokers.stream().filter(invoker -> topic.equals(typeTopics.get(invoker.type()))).toList();
    }

    /** Per channel, the partitions without progress for longer than {@code bound}, described. */
    public Map<String, List<String>> stalled(Duration bound) {
        Map<String, List<String>> stalled = new HashMap<>();
        for (HandlerChannel handlers : channels()) {
            List<String> partitions = handlers.progress.stalled(bound);
            if (!partitions.isEmpty()) {
                stalled.put(handlers.channel, partitions);
            }
        }
        return stalled;
    }

    /** Per channel, the partitions whose dead-letter or retry write is being refused right now, described. */
    public Map<String, List<String>> failingWrites() {
        Map<String, List<String>> failing = new HashMap<>();
        for (HandlerChannel handlers : channels()) {
            List<String> partitions = handlers.progress.failingWrites();
            if (!partitions.isEmpty()) {
                failing.put(handlers.channel, partitions);
            }
        }
        return failing;
    }

    /**
     * The timestamp of the oldest record of a partition not handled yet by the group, or -1 when there is none.
     */
    public long oldestUnhandled(String topic, int partition, String group) {
        long oldest = -1;
        for (HandlerChannel handlers : channels()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                long candidate = handlers.oldestUnhandled(new TopicPartition(topic, partition));
                if (candidate >= 0 && (oldest < 0 || candidate < oldest)) {
                    oldest = candidate;
                }
            }
        }
        return oldest;
    }

    /** A channel reading a topic (an event topic or a retry topic) for a group, or {@code null}. */
    public String channel(String topic, String group) {
        for (HandlerChannel handlers : channels()) {
            if (handlers.reads(topic) && handlers.group.equals(group)) {
                return handlers.channel;
            }
        }
        return null;
    }

    /** The consumer group of a channel. */
    public String groupOf(String channel) {
        HandlerChannel handlers = channel(channel);
        return handlers == null ? null : handlers.group;
    }

    /** Records skipped because no handler takes their type, per channel. */
    public long skipped(String channel) {
        HandlerChannel handlers = channel(channel);
        return handlers == null ? 0 : handlers.skipped.sum();
    }

    /** Records that could not be decoded, per channel. */
    public long undecodable(String channel) {
        HandlerChannel handlers = channel(channel);
        return handlers == null ? 0 : handlers.undecodable.sum();
    }

    /**
     * The handlers' group of a channel whose consumers are in {@code consumerGroup} and read {@code topic} (for a
     * retry channel, its own consumer group and a retry topic), or {@code null}.
     */
    public String handlerGroup(String consumerGroup, String topic) {
        for (HandlerChannel handlers : channels()) {
            if (handlers.consumerGroup.equals(consumerGroup) && handlers.reads(topic)) {
                return handlers.group;
            }
        }
        return null;
    }

    /** Called by the rebalance listener, on the consumer's polling thread: the channels' transactions follow them. */
    public void assigned(Consumer<?, ?> consumer, String group, Collection<TopicPartition> partitions) {
        for (HandlerChannel handlers : channels()) {
            ChannelTransactions transactions = handlers.commits.transactions();
            if (transactions == null || !handlers.consumerGroup.equals(group)) {
                continue;
            }
            List<TopicPartition> mine = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                if (handlers.reads(partition.topic())) {
                    mine.add(partition);
                }
            }
            if (!mine.isEmpty()) {
                transactions.assigned(consumer, mine);
            }
        }
    }
}
