package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;

/**
 * Creates or validates the Kafka topics an application needs, using a Kafka {@link Admin} client that lives only for
 * the duration of one {@link #provision} call.
 * <ul>
 * <li>{@link KafkaEventsConfig.Provisioning#CREATE CREATE} creates the missing topics, all in one request. A topic
 * created concurrently by another instance is not an error. Existing topics are never deleted, shrunk or altered: one
 * whose partition count differs from the configured one is only reported with a warning.</li>
 * <li>{@link KafkaEventsConfig.Provisioning#VALIDATE VALIDATE} fails when a topic is missing or has fewer partitions
 * than configured, listing every such topic.</li>
 * <li>{@link KafkaEventsConfig.Provisioning#NONE NONE} does nothing and does not contact the broker.</li>
 * </ul>
 * Several {@link TopicSpec}s may name the same topic (event types sharing a topic): they are merged, using the largest
 * partition count and naming everything that needs the topic in messages.
 * <p>
 * Every admin request is bounded by the timeout given to the constructor; when the broker cannot be reached in time,
 * {@link #provision} fails with a {@link TopicProvisioningException} naming the bootstrap servers. Instances hold no
 * connection and may be used from several threads.
 */
public final class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    /** Longest wait for the admin client to close; every request has completed by then. */
    private static final long MAX_CLOSE_MILLIS = 1_000;
    /**
     * Extra wait on a result beyond the request timeout, which the admin client enforces itself: a safety net, so a
     * result that never completes cannot block start-up.
     */
    private static final long GRACE_MILLIS = 500;

    private static final String PROVISIONING_PROPERTY = "quarkus.kafka-events.topics.provisioning";
    /** The topic setting that bounds a record batch, as the broker checks it. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    private final Map<String, Object> adminConfig;
    private final Duration timeout;
    private final int timeoutMillis;
    private final BrokerErrors errors;

    /**
     * @param adminConfig Kafka client properties: {@code bootstrap.servers} and any security settings. Copied;
     *        {@code request.timeout.ms} and {@code default.api.timeout.ms} are lowered to {@code timeout} when larger.
     * @param timeout bound for every admin request
     */
    public TopicProvisioner(Map<String, Object> adminConfig, Duration timeout) {
        Objects.requireNonNull(adminConfig, "adminConfig");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The provisioning timeout must be positive: " + timeout);
        }
        this.adminConfig = new HashMap<>(adminConfig);
        this.timeout = timeout;
        this.timeoutMillis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
        this.errors = new BrokerErrors(this.adminConfig, timeout);
    }

    /**
     * Creates or validates the given topics.
     *
     * @param topics the topics the application needs; several may name the same topic
     * @param mode what to do
     * @return the names of the topics this call created, in the order given; empty unless {@code mode} is
     *         {@link KafkaEventsConfig.Provisioning#CREATE CREATE}
     * @throws TopicProvisioningException when the broker cannot be reached in time or refuses a request, or, in
     *         {@link KafkaEventsConfig.Provisioning#VALIDATE VALIDATE} mode, when topics are missing or have too few
     *         partitions
     */
    public List<String> provision(Collection<TopicSpec> topics, KafkaEventsConfig.Provisioning mode) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(mode, "mode");
        if (mode == KafkaEventsConfig.Provisioning.NONE || topics.isEmpty()) {
            return List.of();
        }
        Map<String, WantedTopic> wanted = merge(topics);
        Admin admin = createAdmin(wanted.keySet());
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + GRACE_MILLIS);
            Map<String, TopicDescription> existing = describe(admin, wanted, deadline);
            if (mode == KafkaEventsConfig.Provisioning.VALIDATE) {
                validate(wanted, existing);
                return List.of();
            }
            warnAboutPartitionMismatches(wanted, existing);
            List<WantedTopic> missing = wanted.values().stream()
                    .filter(topic -> !existing.containsKey(topic.name()))
                    .toList();
            return missing.isEmpty() ? List.of() : create(admin, missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("Interrupted while provisioning topics " + wanted.keySet()
                    + " on the Kafka broker at " + errors.bootstrapServers(), e);
        } finally {
            admin.close(Duration.ofMillis(Math.min(timeoutMillis, MAX_CLOSE_MILLIS)));
        }
    }

    /**
     * The {@code max.message.bytes} of each of the given topics as the broker applies it (the topic's own setting or
     * the broker's default), in one request bounded by the timeout; a topic that does not exist is left out.
     *
     * @throws TopicProvisioningException when the broker cannot be reached in time or refuses the request
     */
    public Map<String, Integer> maxMessageBytes(Collection<String> topics) {
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty()) {
            return Map.of();
        }
        Set<String> names = new LinkedHashSet<>(topics);
        Admin admin = createAdmin(names);
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + GRACE_MILLIS);
            List<ConfigResource> resources = names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            Map<ConfigResource, KafkaFuture<Config>> futures = admin
                    .describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(timeoutMillis)).values();
            Map<String, Integer> limits = new LinkedHashMap<>();
            for (ConfigResource resource : resources) {
                try {
                    ConfigEntry entry = await(futures.get(resource), deadline).get(MAX_MESSAGE_BYTES);
                    if (entry != null && entry.value() != null) {
                        limits.put(resource.name(), Integer.parseInt(entry.value().trim()));
                    }
                } catch (ExecutionException e) {
                    Throwable cause = BrokerErrors.causeOf(e);
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        continue;
                    }
                    throw new TopicProvisioningException("Could not read the " + MAX_MESSAGE_BYTES + " of topic '"
                            + resource.name() + "' from the broker at " + errors.bootstrapServers() + ": "
                            + BrokerErrors.describeError(cause), cause);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw errors.unreachable(e, names);
                }
            }
            return limits;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("Interrupted while reading the " + MAX_MESSAGE_BYTES + " of topics "
                    + names, e);
        } finally {
            admin.close(Duration.ofMillis(Math.min(timeoutMillis, MAX_CLOSE_MILLIS)));
        }
    }

    /** One entry per topic name, in the order first named. */
    private static Map<String, WantedTopic> merge(Collection<TopicSpec> topics) {
        Map<String, List<TopicSpec>> byName = new LinkedHashMap<>();
        for (TopicSpec spec : topics) {
            byName.computeIfAbsent(spec.name(), name -> new ArrayList<>()).add(spec);
        }
        Map<String, WantedTopic> merged = new LinkedHashMap<>();
        byName.forEach((name, specs) -> merged.put(name, WantedTopic.of(name, specs)));
        return merged;
    }

    private Admin createAdmin(Set<String> topics) {
        try {
            return Admin.create(boundedAdminConfig());
        } catch (KafkaException e) {
            throw new TopicProvisioningException("Could not create a Kafka admin client for the broker at "
                    + errors.bootstrapServers() + " to provision topics " + topics + ": " + BrokerErrors.describeError(e), e);
        }
    }

    private Map<String, Object> boundedAdminConfig() {
        Map<String, Object> config = new HashMap<>(adminConfig);
        long apiTimeout = Math.min(millis(config.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)), timeoutMillis);
        long requestTimeout = Math.min(millis(config.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG)), apiTimeout);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiTimeout);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout);
        return config;
    }

    /** A configured millisecond value; {@link Long#MAX_VALUE} when absent or not a positive number. */
    private static long millis(Object value) {
        long millis;
        if (value instanceof Number number) {
            millis = number.longValue();
        } else if (value != null) {
            try {
                millis = Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        } else {
            return Long.MAX_VALUE;
        }
        return millis > 0 ? millis : Long.MAX_VALUE;
    }

    /** The existing topics among {@code wanted}, described in one request. */
    private Map<String, TopicDescription> describe(Admin admin, Map<String, WantedTopic> wanted, long deadline)
            throws InterruptedException {
        Map<String, KafkaFuture<TopicDescription>> futures = admin
                .describeTopics(wanted.keySet(), new DescribeTopicsOptions().timeoutMs(timeoutMillis))
                .topicNameValues();
        Map<String, TopicDescription> existing = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (WantedTopic topic : wanted.values()) {
            try {
                existing.put(topic.name(), await(futures.get(topic.name()), deadline));
            } catch (ExecutionException e) {
                Throwable cause = BrokerErrors.causeOf(e);
                if (cause instanceof UnknownTopicOrPartitionException) {
                    continue; // missing
                }
                errors.throwIfUnreachable(cause, wanted.keySet());
                problems.add("topic '" + topic.name() + "' (needed by " + topic.neededBy() + ") could not be described: "
                        + BrokerErrors.describeError(cause));
            } catch (java.util.concurrent.TimeoutException e) {
                throw errors.unreachable(e, wanted.keySet());
            }
        }
        if (!problems.isEmpty()) {
            throw new TopicProvisioningException("Could not look up Kafka topics on the broker at " + errors.bootstrapServers()
                    + ":" + BrokerErrors.bulleted(problems));
        }
        return existing;
    }

    private void validate(Map<String, WantedTopic> wanted, Map<String, TopicDescription> existing) {
        List<String> problems = new ArrayList<>();
        for (WantedTopic topic : wanted.values()) {
            TopicDescription description = existing.get(topic.name());
            if (description == null) {
                problems.add("topic '" + topic.name() + "' does not exist (needed by " + topic.neededBy()
                        + "; expected at least " + topic.partitions() + " partitions)");
            } else if (description.partitions().size() < topic.partitions()) {
                problems.add("topic '" + topic.name() + "' has " + description.partitions().size()
                        + " partitions, expected at least " + topic.partitions() + " (needed by " + topic.neededBy()
                        + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new TopicProvisioningException("Kafka topics on the broker at " + errors.bootstrapServers()
                    + " are missing or have too few partitions (" + PROVISIONING_PROPERTY + "=validate):"
                    + BrokerErrors.bulleted(problems)
                    + "\nCreate the missing topics and add partitions to those with too few (for example with"
                    + " kafka-topics.sh --alter --topic <name> --partitions <count>), or set " + PROVISIONING_PROPERTY
                    + "=create to have missing topics created at start-up.");
        }
    }

    private static void warnAboutPartitionMismatches(Map<String, WantedTopic> wanted,
            Map<String, TopicDescription> existing) {
        existing.forEach((name, description) -> {
            WantedTopic topic = wanted.get(name);
            int actual = description.partitions().size();
            if (actual != topic.partitions()) {
                LOG.warnf("Kafka topic '%s' exists with %d partitions, but %d are configured (needed by %s);"
                        + " it is left unchanged, as existing topics are never altered", name, actual,
                        topic.partitions(), topic.neededBy());
            }
        });
    }

    /** Creates the missing topics in one request; returns the names of those this call created. */
    private List<String> create(Admin admin, List<WantedTopic> missing) throws InterruptedException {
        List<NewTopic> newTopics = missing.stream()
                .map(topic -> new NewTopic(topic.name(), Optional.of(topic.partitions()), topic.replicationFactor())
                        .configs(topic.config()))
                .toList();
        Set<String> names = missing.stream().map(WantedTopic::name).collect(Collectors.toCollection(LinkedHashSet::new));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + GRACE_MILLIS);
        Map<String, KafkaFuture<Void>> futures = admin
                .createTopics(newTopics, new CreateTopicsOptions().timeoutMs(timeoutMillis))
                .values();
        List<String> created = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (WantedTopic topic : missing) {
            try {
                await(futures.get(topic.name()), deadline);
                created.add(topic.name());
                LOG.debugf("Created Kafka topic '%s' with %d partitions (needed by %s)", topic.name(),
                        topic.partitions(), topic.neededBy());
            } catch (ExecutionException e) {
                Throwable cause = BrokerErrors.causeOf(e);
                if (cause instanceof TopicExistsException) {
                    LOG.debugf("Kafka topic '%s' was created concurrently by someone else", topic.name());
                    continue;
                }
                errors.throwIfUnreachable(cause, names);
                problems.add("topic '" + topic.name() + "' (needed by " + topic.neededBy() + "; "
                        + topic.partitions() + " partitions, replication factor "
                        + topic.replicationFactor().map(String::valueOf).orElse("broker default")
                        + ", config " + topic.config() + "): " + BrokerErrors.describeError(cause));
            } catch (java.util.concurrent.TimeoutException e) {
                throw errors.unreachable(e, names);
            }
        }
        if (!problems.isEmpty()) {
            throw new TopicProvisioningException("Could not create Kafka topics on the broker at " + errors.bootstrapServers()
                    + ":" + BrokerErrors.bulleted(problems)
                    + (created.isEmpty() ? "" : "\nThese topics were created: " + created));
        }
        return List.copyOf(created);
    }

    private static <T> T await(KafkaFuture<T> future, long deadline)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

}
