package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicProvisioning;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Readiness of Kafka Events: the broker answers, every topic the application needs exists with a leader for each of
 * its partitions, no dead-letter or retry write is being refused, and the consumers of the handler channels have their
 * partitions (or are waiting for a first assignment). The outbox's backlog is a wellness check
 * ({@link KafkaEventsOutboxCheck}): shared by all instances, it says nothing about this one.
 * <p>
 * The broker is asked with one bounded admin round trip (cluster and all topics together) at most once per
 * {@code quarkus.kafka-events.health.cache-for}; probes in between reuse the answer. Only the bootstrap servers, topic
 * names and partition counts are shown: never credentials.
 */
@Readiness
@ApplicationScoped
public class KafkaEventsReadinessCheck implements HealthCheck {

    static final String NAME = "kafka-events";

    private record BrokerStatus(boolean up, Map<String, Object> data, long checkedAt) {
    }

    private final Map<String, Object> kafkaConfig;
    private final KafkaEventsConfig config;
    private final TopicProvisioning provisioning;
    private final HandlerDispatcher dispatcher;
    private final KafkaClientService clients;
    private Admin admin;
    private BrokerStatus cached;
    /** Per channel, since when its consumers have had no partition. */
    private final Map<String, Long> unassignedSince = new java.util.concurrent.ConcurrentHashMap<>();

    KafkaEventsReadinessCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            KafkaEventsConfig config, TopicProvisioning provisioning, HandlerDispatcher dispatcher,
            KafkaClientService clients) {
        this.kafkaConfig = kafkaConfig;
        this.config = config;
        this.provisioning = provisioning;
        this.dispatcher = dispatcher;
        this.clients = clients;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        BrokerStatus broker = broker();
        broker.data().forEach((key, value) -> response.withData(key, String.valueOf(value)));
        boolean up = broker.up();
        for (Map.Entry<String, String> consumer : consumers().entrySet()) {
            response.withData("consumers." + consumer.getKey(), consumer.getValue());
        }
        Map<String, List<String>> failingWrites = dispatcher.failingWrites();
        for (Map.Entry<String, List<String>> failing : new TreeMap<>(failingWrites).entrySet()) {
            response.withData("failing-writes." + failing.getKey(), String.join("; ", failing.getValue()));
        }
        up &= failingWrites.isEmpty();
        return response.status(up).build();
    }

    private synchronized BrokerStatus broker() {
        long now = System.nanoTime();
        if (cached != null && now - cached.checkedAt() < config.health().cacheFor().toNanos()) {
            return cached;
        }
        cached = check(now);
        return cached;
    }

    private BrokerStatus check(long now) {
        Map<String, Object> data = new TreeMap<>();
        data.put("bootstrap.servers", String.valueOf(kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)));
        Duration timeout = config.health().timeout();
        int timeoutMillis = (int) timeout.toMillis();
        try {
            Admin client = admin();
            KafkaFuture<String> cluster = client
                    .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMillis)).clusterId();
            List<String> topics = provisioning.topics();
            Map<String, KafkaFuture<TopicDescription>> descriptions = topics.isEmpty() ? Map.of()
                    : client.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMillis))
                            .topicNameValues();
            cluster.get(timeoutMillis, TimeUnit.MILLISECONDS);
            boolean allPresent = true;
            for (String topic : topics) {
                try {
                    TopicDescription description = descriptions.get(topic).get(timeoutMillis, TimeUnit.MILLISECONDS);
                    List<Integer> leaderless = new ArrayList<>();
                    for (TopicPartitionInfo partition : description.partitions()) {
                        if (partition.leader() == null || partition.leader().isEmpty()) {
                            leaderless.add(partition.partition());
                        }
                    }
                    if (leaderless.isEmpty()) {
                        data.put("topic." + topic, description.partitions().size() + " partitions");
                    } else {
                        allPresent = false;
                        data.put("topic." + topic, description.partitions().size() + " partitions, without leader: "
                                + leaderless);
                    }
                } catch (ExecutionException e) {
                    allPresent = false;
                    data.put("topic." + topic, e.getCause() instanceof UnknownTopicOrPartitionException ? "missing"
                            : "unknown: " + e.getCause().getMessage());
                }
            }
            data.put("broker", "reachable");
            return new BrokerStatus(allPresent, data, now);
        } catch (TimeoutException | ExecutionException e) {
            data.put("broker", "unreachable within " + timeout.toMillis() + " ms: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            return new BrokerStatus(false, data, now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            data.put("broker", "check interrupted");
            return new BrokerStatus(false, data, now);
        } catch (RuntimeException e) {
            data.put("broker", "check failed: " + e.getMessage());
            return new BrokerStatus(false, data, now);
        }
    }

    private Map<String, String> consumers() {
        Map<String, String> states = new TreeMap<>();
        for (String channel : dispatcher.channels()) {
            List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
            if (consumers == null || consumers.isEmpty()) {
                states.put(channel, "not started");
                continue;
            }
            int assigned = 0;
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                try {
                    Set<TopicPartition> partitions = consumer.getAssignments().await().atMost(Duration.ofSeconds(1));
                    assigned += partitions == null ? 0 : partitions.size();
                } catch (RuntimeException e) {
                    // a consumer busy polling answers later; report what the others have
                }
            }
            if (assigned > 0) {
                unassignedSince.remove(channel);
                states.put(channel, assigned + " partitions assigned to " + consumers.size() + " consumer(s)");
            } else {
                // not DOWN: an instance beyond the partition count rightly has none; the time tells a stuck join
                long since = unassignedSince.computeIfAbsent(channel, c -> System.nanoTime());
                states.put(channel, "waiting for partition assignment for "
                        + Duration.ofNanos(System.nanoTime() - since).toSeconds() + " s");
            }
        }
        return states;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(AdminClients.config(kafkaConfig, "kafka-events-health", config.health().timeout()));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
