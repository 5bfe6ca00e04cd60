package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A blocking handler call longer than {@code max.poll.interval.ms} does not stop the consumer: it keeps polling, stays
 * in its group (no rebalance, no re-delivery), the slow record is handled once and the records after it are handled.
 */
public class SlowBlockingHandlerTest {

    static final String TOPIC = "test.slow.public.slow-jobs";
    static final String GROUP = "test.slow-handler-test";
    static final long MAX_POLL_INTERVAL_MS = 5000;
    static final int LATER = 10;

    @EventTopic(value = "slow-jobs", domain = "slow")
    public record SlowJob(@PartitionKey String queue, String id, long workMillis) {
    }

    public static class Seen {
        static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    }

    public static class SlowJobHandler {
        @EventHandler
        void on(SlowJob job) throws InterruptedException {
            Seen.CALLS.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            // the slow work under test, not a wait of the test
            Thread.sleep(job.workMillis());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(SlowJob.class, Seen.class, SlowJobHandler.class))
            .overrideConfigKey("quarkus.application.name", "slow-handler-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"SlowJob\".partitions", "1")
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + SlowJobHandler.class.getName()
                    + "#on\".kafka.\"max.poll.interval.ms\"", String.valueOf(MAX_POLL_INTERVAL_MS));

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void handlerSlowerThanMaxPollIntervalKeepsTheConsumerInItsGroup() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            MemberDescription before = await("the consumer joined with the partition", () -> member(admin));

            List<SlowJob> jobs = new ArrayList<>();
            jobs.add(new SlowJob("q", "slow", MAX_POLL_INTERVAL_MS + 3000));
            for (int i = 0; i < LATER; i++) {
                jobs.add(new SlowJob("q", "later-" + i, 0));
            }
            publisher.publishAll(jobs).await().atMost(Duration.ofSeconds(30));

            // every record handled, and its offset committed: nothing is left to be delivered again
            await("every record handled and committed", () -> Seen.CALLS.size() == LATER + 1
                    && committed(admin) == jobs.size() ? Boolean.TRUE : null);
            for (SlowJob job : jobs) {
                assertEquals(1, Seen.CALLS.get(job.id()).get(), "calls for " + job.id() + ": " + Seen.CALLS);
            }
            MemberDescription after = member(admin);
            assertTrue(after != null && after.consumerId().equals(before.consumerId()),
                    "the same member keeps the partition (no rebalance): before " + before + ", after " + after);
        }
    }

    /** The only member of the group, once it has the partition; {@code null} before. */
    private static MemberDescription member(Admin admin) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            List<MemberDescription> members = new ArrayList<>(group.members());
            if (members.size() == 1 && !members.get(0).assignment().topicPartitions().isEmpty()) {
                return members.get(0);
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The committed offset of the partition, minus its start offset (0 on a new topic); -1 when none. */
    private static long committed(Admin admin) {
        try {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                    .get(partition);
            long start = admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get()
                    .offset();
            return offset == null ? -1 : offset.offset() - start;
        } catch (Exception e) {
            return -1;
        }
    }

    private static <T> T await(String what, Supplier<T> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within 60 s: " + what + " (calls: " + Seen.CALLS + ")");
    }
}
