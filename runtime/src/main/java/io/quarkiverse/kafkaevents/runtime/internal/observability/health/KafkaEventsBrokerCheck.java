package io.quarkiverse.kafkaevents.runtime.internal.observability.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.startup.TopicProvisioning;
import io.quarkiverse.kafkaevents.runtime.internal.topics.AdminClients;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.Wellness;

/**
 * The broker as this application needs it, a wellness check ({@code /q/health/well}, and {@code /q/health}): DOWN when
 * the broker does not answer, a topic the application needs is missing or has a partition without a leader, or a
 * dead-letter or retry write is being refused (data {@code failing-writes.<channel>}, naming the partition, the record
 * and the topic).
 * <p>
 * Not a readiness check: every instance of the application shares these causes, so they would take all of them out of
 * service together, and no instance serves better by being taken out (a partition that makes no progress is reported
 * by the liveness check of the instance that holds it). Readiness ({@link KafkaEventsReadinessCheck}) stays about this
 * instance.
 * <p>
 * The broker is asked with one bounded admin round trip (cluster and all topics together) at most once per
 * {@code quarkus.kafka-events.health.cache-for}; probes in between reuse the answer. Only the bootstrap servers, topic
 * names and partition counts are shown: never credentials.
 */
@Wellness
@ApplicationScoped
public class KafkaEventsBrokerCheck implements HealthCheck {

    static final String NAME = "kafka-events-broker";

    private record BrokerStatus(boolean up, Map<String, Object> data, long checkedAt) {
    }

    private final Map<String, Object> kafkaConfig;
    private final KafkaEventsConfig config;
    private final TopicProvisioning provisioning;
    private final HandlerDispatcher dispatcher;
    private Admin admin;
    private BrokerStatus cached;

    KafkaEventsBrokerCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            KafkaEventsConfig config, TopicProvisioning provisioning, HandlerDispatcher dispatcher) {
        this.kafkaConfig = kafkaConfig;
        this.config = config;
        this.provisioning = provisioning;
        this.dispatcher = dispatcher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        BrokerStatus broker = broker();
        broker.data().forEach((key, value) -> response.withData(key, String.valueOf(value)));
        boolean up = broker.up();
        Map<String, List<String>> failingWrites = dispatcher.topology().failingWrites();
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
