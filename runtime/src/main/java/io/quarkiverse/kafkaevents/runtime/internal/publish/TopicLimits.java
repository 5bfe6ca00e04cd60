package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.EventTypeConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioner;

/**
 * The largest record batch each topic takes ({@code max.message.bytes}), so that a record the broker would refuse is
 * refused before it reaches the producer. Known at once for the topics whose {@code max.message.bytes} is configured
 * (per event type or for all topics: what provisioning creates them with), then read from the broker, once per topic,
 * on a worker thread and bounded by {@code quarkus.kafka-events.topics.timeout}; a topic whose limit is not known yet
 * is not checked (the caller never waits for the look-up). A failed look-up is tried again after a minute; a record
 * refused for a topic has its limit read again (at most every 5 seconds), so that a limit raised since is honoured.
 * <p>
 * Also warns, once per topic, when a topic's limit is below the producer's {@code batch.size}: records sent together
 * may then form a batch the broker refuses, which the Kafka producer splits into the same batch and retries without
 * end.
 */
final class TopicLimits {

    private static final Logger LOG = Logger.getLogger(TopicLimits.class);
    private static final long RETRY_NANOS = Duration.ofMinutes(1).toNanos();
    /** Least time between two look-ups of a topic's limit after a record was refused for it. */
    private static final long REFRESH_NANOS = Duration.ofSeconds(5).toNanos();

    /** A topic's limit: {@code bytes} is -1 while unknown. */
    private static final class Limit {
        volatile int bytes;
        /** Whether {@code bytes} was read from the broker. */
        volatile boolean described;
        /** When the broker may be asked (again), in {@link System#nanoTime()} terms. */
        volatile long nextLookUp = System.nanoTime();
        /** Guarded by the limit itself: one look-up at a time. */
        boolean lookingUp;
        volatile boolean warned;
        volatile boolean unreadWarned;

        Limit(int bytes) {
            this.bytes = bytes;
        }
    }

    private final Map<String, Limit> limits = new ConcurrentHashMap<>();
    private final Map<String, Object> adminConfig;
    private final Duration timeout;
    private final Executor executor;
    private volatile int batchSize = -1;

    /**
     * @param adminConfig the application's Kafka configuration ({@code default-kafka-broker}), or {@code null} to
     *        never ask the broker
     */
    TopicLimits(EventRouting routing, KafkaEventsConfig config, Map<String, Object> adminConfig, Executor executor) {
        this.timeout = config.topics().timeout();
        this.adminConfig = adminConfig == null ? null
                : AdminClients.config(adminConfig, "kafka-events-topic-limits", timeout);
        this.executor = executor;
        String global = config.topics().config().get(TopicProvisioner.MAX_MESSAGE_BYTES);
        for (EventRouting.Route route : routing.routes()) {
            EventTypeConfig typeConfig = route.config();
            String configured = typeConfig != null && typeConfig.config().containsKey(TopicProvisioner.MAX_MESSAGE_BYTES)
                    ? typeConfig.config().get(TopicProvisioner.MAX_MESSAGE_BYTES)
                    : global;
            int bytes = parse(configured);
            if (bytes > 0) {
                limits.merge(route.topic(), new Limit(bytes), (kept, added) -> kept.bytes <= added.bytes ? kept : added);
            }
        }
    }

    /** The topic's {@code max.message.bytes}, or -1 while unknown (then asks the broker, off the caller's thread). */
    int maxMessageBytes(String topic) {
        Limit limit = limits.get(topic);
        if (limit == null) {
            limit = limits.computeIfAbsent(topic, name -> new Limit(-1));
        }
        if (!limit.described && System.nanoTime() - limit.nextLookUp >= 0) {
            lookUp(topic, limit);
        }
        return limit.bytes;
    }

    /**
     * A record was refused for being larger than the topic's limit: the limit is read again (at most every
     * {@link #REFRESH_NANOS}), so that a limit raised on the broker is honoured.
     */
    void refused(String topic) {
        Limit limit = limits.get(topic);
        if (limit != null && System.nanoTime() - limit.nextLookUp >= 0) {
            lookUp(topic, limit);
        }
    }

    /** The producer's {@code batch.size}, once known: the limits below it are warned about. */
    void batchSize(int bytes) {
        batchSize = bytes;
        limits.forEach(this::warnIfBelowBatchSize);
    }

    private void lookUp(String topic, Limit limit) {
        synchronized (limit) {
            if (limit.lookingUp || System.nanoTime() - limit.nextLookUp < 0) {
                return;
            }
            limit.lookingUp = true;
        }
        if (adminConfig == null) {
            limit.described = true;
            limit.nextLookUp = System.nanoTime() + RETRY_NANOS;
            return;
        }
        try {
            executor.execute(() -> {
                long next = RETRY_NANOS;
                try {
                    Integer bytes = new TopicProvisioner(adminConfig, timeout).maxMessageBytes(Set.of(topic))
                            .get(topic);
                    if (bytes != null) {
                        limit.bytes = bytes;
                        limit.described = true;
                        limit.unreadWarned = false;
                        next = REFRESH_NANOS;
                        warnIfBelowBatchSize(topic, limit);
                    }
                } catch (RuntimeException e) {
                    unread(topic, limit, e);
                } finally {
                    synchronized (limit) {
                        limit.nextLookUp = System.nanoTime() + next;
                        limit.lookingUp = false;
                    }
                }
            });
        } catch (RuntimeException e) {
            synchronized (limit) {
                limit.nextLookUp = System.nanoTime() + RETRY_NANOS;
                limit.lookingUp = false;
            }
            unread(topic, limit, e);
        }
    }

    /** The limit could not be read: said once at WARN per topic (until it is read), then at DEBUG. */
    private static void unread(String topic, Limit limit, RuntimeException e) {
        if (!limit.unreadWarned) {
            limit.unreadWarned = true;
            LOG.warnf("Could not read the max.message.bytes of topic %s: %s. Records to it are not checked against"
                    + " it until it is read (tried again every %d s); the producer still bounds each send by"
                    + " delivery.timeout.ms. Set quarkus.kafka-events.events.\"<type>\".config.\"max.message.bytes\""
                    + " to give it without asking the broker", topic, e.getMessage(), RETRY_NANOS / 1_000_000_000L);
        } else {
            LOG.debugf("Could not read the max.message.bytes of topic %s: %s", topic, e.getMessage());
        }
    }

    private void warnIfBelowBatchSize(String topic, Limit limit) {
        int batch = batchSize;
        int bytes = limit.bytes;
        if (batch > 0 && bytes > 0 && bytes < batch && !limit.warned) {
            limit.warned = true;
            LOG.warnf("Topic %s takes record batches of at most %d bytes (max.message.bytes), less than the publisher"
                    + " producer's batch.size (%d bytes): events sent together may form a batch the broker refuses,"
                    + " which the Kafka producer splits and sends again without end. Set"
                    + " mp.messaging.outgoing.kafka-events-publisher.batch.size to at most %d, or raise the topic's"
                    + " max.message.bytes. A single record larger than the limit is refused before it is sent.",
                    topic, bytes, batch, bytes);
        }
    }

    private static int parse(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
