package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.commits.CommitSupport;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A rebalance in the middle of a batch: a blocking batch handler ({@code List<E>}) is stuck in its first call while
 * the later polls of its only partition are queued behind it as lane tasks, and a second member of the group takes
 * the partition. The old member waits the revocation timeout (5 s) for the stuck call, in vain, and commits nothing
 * it did not finish: the new owner gets every record from the start (at most offset 0 committed);
 * once the stuck call returns, the old member calls the handler no more (the queued batches of the revoked partition
 * are dropped) and the group's committed offset of the partition does not move.
 */
public class BatchRebalanceTest {

    static final String APP = "batch-rebalance-test";
    static final String GROUP = "test." + APP;
    static final String TOPIC = "test." + APP + ".public.tasks";
    static final int EVENTS = 60;

    @EventTopic(value = "tasks", pluralize = false)
    public record Task(@PartitionKey String id) {
    }

    public static class Tasks {
        static final CountDownLatch STARTED = new CountDownLatch(1);
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final AtomicBoolean FIRST = new AtomicBoolean(true);
        /** Every call: when it started ({@link System#nanoTime()}) and the ids of its events. */
        static final List<Call> CALLS = new CopyOnWriteArrayList<>();

        @EventHandler
        void on(List<Task> tasks) throws InterruptedException {
            CALLS.add(new Call(System.nanoTime(), tasks.stream().map(Task::id).toList()));
            if (FIRST.getAndSet(false)) {
                STARTED.countDown();
                RELEASE.await(60, TimeUnit.SECONDS);
            }
        }
    }

    record Call(long startedNanos, List<String> ids) {
    }

    /** Counts the records of the topic the application's consumer received from its polls. */
    public static class Polled implements ConsumerInterceptor<Object, Object> {
        static final AtomicInteger RECORDS = new AtomicInteger();

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            for (ConsumerRecord<Object, Object> record : records) {
                if (TOPIC.equals(record.topic())) {
                    RECORDS.incrementAndGet();
                }
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    static final String HANDLER = "quarkus.kafka-events.handlers.\"" + Tasks.class.getName() + "#on\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Task.class, Tasks.class, Call.class, Polled.class,
                    CommitSupport.class))
            .overrideConfigKey("quarkus.application.name", APP)
            .overrideConfigKey("quarkus.kafka-events.events.\"Task\".partitions", "1")
            // small polls: the records behind the stuck first call are queued as several lane tasks
            .overrideConfigKey(HANDLER + "\"max.poll.records\"", "10")
            .overrideConfigKey(HANDLER + "\"interceptor.classes\"", Polled.class.getName());

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void revokedInTheMiddleOfABatchDropsTheQueuedBatchesAndCommitsNoMore() throws Exception {
        Set<String> published = IntStream.range(0, EVENTS).mapToObj(i -> "t" + i)
                .collect(Collectors.toCollection(TreeSet::new));
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (CommitSupport commits = new CommitSupport(bootstrap)) {
            try {
                for (int i = 0; i < EVENTS; i++) {
                    publisher.publish(new Task("t" + i)).await().atMost(Duration.ofSeconds(10));
                }
                assertTrue(Tasks.STARTED.await(15, TimeUnit.SECONDS), "the first batch call started");
                await(() -> Polled.RECORDS.get() >= EVENTS, Duration.ofSeconds(10),
                        () -> "the application's consumer polled " + Polled.RECORDS.get() + " of " + EVENTS
                                + " records");
                List<Call> beforeTakeOver = List.copyOf(Tasks.CALLS);
                assertEquals(1, beforeTakeOver.size(), "only the stuck first call ran: " + beforeTakeOver);
                int stuck = beforeTakeOver.get(0).ids().size();
                assertTrue(stuck <= 10 && stuck < EVENTS,
                        "the first call has one poll's events, the rest are queued behind it: " + stuck);
                long committedWhileStuck = commits.committed(GROUP, partition);
                assertTrue(committedWhileStuck <= 0,
                        "committed past records not finished while the first call is stuck: " + committedWhileStuck);

                try (KafkaConsumer<String, byte[]> newOwner = CommitSupport.takeOver(bootstrap, GROUP, TOPIC)) {
                    // a second member takes the only partition; it reads it from the start: nothing finished was committed
                    Set<String> received = new TreeSet<>();
                    long takenOver = 0;
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (!received.containsAll(published) && System.nanoTime() < deadline) {
                        for (ConsumerRecord<String, byte[]> record : newOwner.poll(Duration.ofMillis(200))) {
                            if (takenOver == 0) {
                                // the eager rebalance completed: the old member has given up the partition
                                takenOver = System.nanoTime();
                            }
                            received.add(record.key());
                        }
                    }
                    assertEquals(published, received, "the new owner receives every event from the start");
                    // on revocation the old member commits what it finished of the partition: nothing, so at most
                    // the offset of the stuck call's first event (0)
                    long committedAtTakeOver = commits.committed(GROUP, partition);
                    assertTrue(committedAtTakeOver <= 0,
                            "the old member committed past records it never finished: " + committedAtTakeOver);

                    // the stuck call returns: the batches queued behind it belong to a revoked partition
                    Tasks.RELEASE.countDown();
                    Thread.sleep(3000);
                    long revokedAt = takenOver;
                    List<Call> late = Tasks.CALLS.stream().filter(c -> c.startedNanos() >= revokedAt).toList();
                    assertTrue(late.isEmpty(), "handler calls after the partition was revoked: " + late);
                    assertEquals(beforeTakeOver, Tasks.CALLS, "only the call in flight at the revocation ran");
                    assertEquals(committedAtTakeOver, commits.committed(GROUP, partition),
                            "the old member committed for the partition after it was revoked");
                }
            } finally {
                Tasks.RELEASE.countDown();
            }
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(50);
        }
    }
}
