package io.quarkiverse.kafkaevents.runtime.internal.observability.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;
import io.quarkiverse.kafkaevents.runtime.internal.handle.ConsumerAssignments;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Kafka Events metrics, registered when the Micrometer extension is present. Tags are bounded: event type, topic,
 * group, partition, outcome; never event ids or keys.
 * <p>
 * Consumer lag costs no broker round trip: records behind come from the consumers' own fetch metrics, seconds behind
 * from the timestamp of the oldest record not handled yet. Its gauges follow the partitions this instance holds.
 */
@Singleton
public class MicrometerEventMonitor implements EventMonitor {

    static final String PUBLISHED = "kafka.events.published";
    static final String PUBLISH_DURATION = "kafka.events.publish.duration";
    static final String RECEIVED = "kafka.events.received";
    static final String HANDLED = "kafka.events.handled";
    static final String HANDLER_DURATION = "kafka.events.handler.duration";
    static final String RETRIES = "kafka.events.retries";
    static final String DEAD_LETTERED = "kafka.events.dead.lettered";
    static final String LAG = "kafka.events.consumer.lag";
    static final String LAG_SECONDS = "kafka.events.consumer.lag.seconds";

    /** The handler duration histogram's buckets: 1 ms to 1 min, 14 in all (plus {@code +Inf}). */
    static final Duration[] HANDLER_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1) };

    private final MeterRegistry registry;
    /** Looked up lazily: the dispatcher itself notifies the monitors. */
    private final Instance<HandlerDispatcher> dispatcher;
    private final KafkaClientService clients;
    private final Map<Tags, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> lagGauges = new ConcurrentHashMap<>();

    MicrometerEventMonitor(MeterRegistry registry, Instance<HandlerDispatcher> dispatcher, KafkaClientService clients,
            ConsumerAssignments assignments) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.clients = clients;
        assignments.listen(new LagGauges());
    }

    @Override
    public void published(EventObservation o) {
        Tags tags = Tags.of("type", o.eventType(), "topic", o.topic());
        counter(PUBLISHED, tags.and("outcome", o.failure() == null ? "success" : "failure"), "Events published")
                .increment();
        if (o.duration() != null) {
            timer(PUBLISH_DURATION, tags, "Time from publishing to the broker's acknowledgement", false)
                    .record(o.duration());
        }
    }

    @Override
    public void received(EventObservation o) {
        counter(RECEIVED, consumerTags(o), "Records read and routed to handlers").increment();
    }

    @Override
    public void handled(EventObservation o) {
        handledOutcome(o, "success");
        recordCall(o);
    }

    @Override
    public void failed(EventObservation o) {
        handledOutcome(o, "failure");
        recordCall(o);
    }

    /**
     * Every handler attempt, whatever its outcome: a record that ends dead-lettered spent its time in the handlers
     * too.
     */
    private void recordCall(EventObservation o) {
        if (o.duration() != null) {
            timer(HANDLER_DURATION, consumerTags(o), "Time spent in the handlers of a record, per attempt (failed"
                    + " attempts included)", true).record(o.duration());
        }
    }

    @Override
    public void retried(EventObservation o) {
        handledOutcome(o, "retried");
        counter(RETRIES, consumerTags(o), "Handler retries scheduled").increment();
    }

    @Override
    public void deadLettered(EventObservation o) {
        handledOutcome(o, "dead-lettered");
        counter(DEAD_LETTERED, consumerTags(o), "Records written to a dead-letter topic").increment();
    }

    @Override
    public void skipped(EventObservation o) {
        handledOutcome(o, "skipped");
    }

    private void handledOutcome(EventObservation o, String outcome) {
        counter(HANDLED, consumerTags(o).and("outcome", outcome), "Handling outcomes of records").increment();
    }

    private static Tags consumerTags(EventObservation o) {
        return Tags.of("type", o.eventType() == null ? "unknown" : o.eventType(), "topic", o.topic(), "group",
                o.group());
    }

    private Counter counter(String name, Tags tags, String description) {
        return counters.computeIfAbsent(tags.and("name", name),
                t -> Counter.builder(name).tags(tags).description(description).register(registry));
    }

    private Timer timer(String name, Tags tags, String description, boolean histogram) {
        return timers.computeIfAbsent(tags.and("name", name), t -> {
            Timer.Builder builder = Timer.builder(name).tags(tags).description(description);
            if (histogram) {
                // a fixed, short set of buckets (Micrometer's percentile histogram exports 74 per series)
                builder.serviceLevelObjectives(HANDLER_BUCKETS);
            }
            return builder.register(registry);
        });
    }

    /**
     * Lag gauges per (topic, partition, group), registered when the partition is assigned to one of this instance's
     * consumers (before its first record: a partition stuck since start-up has them too) and removed when it is
     * revoked or lost (a partition now read by another instance has none here, rather than a stale value).
     */
    private final class LagGauges implements ConsumerAssignments.Listener {

        @Override
        public void assigned(String consumerGroup, Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                String group = dispatcher.get().topology().handlerGroup(consumerGroup, partition.topic());
                if (group == null) {
                    continue;
                }
                lagGauges.computeIfAbsent(key(partition, group), k -> register(partition.topic(),
                        partition.partition(), group));
            }
        }

        @Override
        public void revoked(String consumerGroup, Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                String group = dispatcher.get().topology().handlerGroup(consumerGroup, partition.topic());
                List<Meter> gauges = group == null ? null : lagGauges.remove(key(partition, group));
                if (gauges != null) {
                    gauges.forEach(registry::remove);
                }
            }
        }

        private static String key(TopicPartition partition, String group) {
            return partition.topic() + "|" + partition.partition() + "|" + group;
        }
    }

    private List<Meter> register(String topic, int partition, String group) {
        Tags tags = Tags.of("topic", topic, "partition", Integer.toString(partition), "group", group);
        return List.of(
                Gauge.builder(LAG, () -> recordsLag(topic, partition, group)).tags(tags)
                        .description("Records of the partition not yet read by the group").register(registry),
                Gauge.builder(LAG_SECONDS, () -> secondsLag(topic, partition, group)).tags(tags)
                        .description("Age of the oldest record of the partition not yet handled by the group, in"
                                + " seconds")
                        .baseUnit("seconds").register(registry));
    }

    private double secondsLag(String topic, int partition, String group) {
        long oldest = dispatcher.get().topology().oldestUnhandled(topic, partition, group);
        return oldest < 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000.0);
    }

    private double recordsLag(String topic, int partition, String group) {
        String channel = dispatcher.get().topology().channel(topic, group);
        if (channel == null) {
            return Double.NaN;
        }
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        if (consumers == null) {
            return Double.NaN;
        }
        String partitionTag = Integer.toString(partition);
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            for (Map.Entry<MetricName, ? extends Metric> metric : consumer.unwrap().metrics().entrySet()) {
                MetricName name = metric.getKey();
                if ("records-lag".equals(name.name()) && topic.equals(name.tags().get("topic"))
                        && partitionTag.equals(name.tags().get("partition"))) {
                    Object value = metric.getValue().metricValue();
                    if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
                        return number.doubleValue();
                    }
                }
            }
        }
        return Double.NaN;
    }
}
