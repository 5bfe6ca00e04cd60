package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A key's lock is taken at commit only, never across the caller's work: transactions writing keys in opposite orders
 * both commit (no deadlock), a hot key's transactions do their work side by side, and every key's events still reach
 * the topic in the order their transactions committed, even when that is not the order their rows were written in.
 * The fast path is off here: the relay sends the rows in their (commit) order, which is what a backlog after a broker
 * outage relies on.
 */
public class OutboxCommitOrderTest {

    static final String TOPIC = "test.commitorder.public.moves";
    static final String TABLE = "commitorder_outbox";
    static final Duration WAIT = Duration.ofSeconds(15);

    @EventTopic(value = "moves", domain = "commitorder")
    public record StockMoved(@PartitionKey String item, String label) {
    }

    @ApplicationScoped
    public static class Stock {
        @Inject
        EventPublisher publisher;

        @Transactional
        void inTransaction(Runnable work) {
            work.run();
        }

        void move(String item, String label) {
            publisher.publish(new StockMoved(item, label)).await().atMost(Duration.ofSeconds(10));
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(StockMoved.class, Stock.class, RawRecords.class,
                    TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "commit-order-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", TABLE)
            .overrideConfigKey("quarkus.kafka-events.outbox.fast-path", "false")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "100ms")
            // every one of the hot key's 50 transactions holds a connection until it commits
            .overrideConfigKey("quarkus.datasource.jdbc.max-size", "60"));

    @Inject
    Stock stock;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void transactionsWritingKeysInOppositeOrdersBothCommitInOrder() throws Exception {
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        CountDownLatch firstWroteA = new CountDownLatch(1);
        CountDownLatch secondWroteB = new CountDownLatch(1);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // each holds its first write while the other makes its own: with key locks held from the write on,
            // the second writes would wait for each other (PostgreSQL aborts one of them)
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
                stock.inTransaction(() -> {
                    stock.move(a, "first");
                    firstWroteA.countDown();
                    await(secondWroteB);
                    stock.move(b, "first");
                });
                firstCommitted.countDown();
            }, threads);
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> stock.inTransaction(() -> {
                await(firstWroteA);
                stock.move(b, "second");
                secondWroteB.countDown();
                stock.move(a, "second");
                // commits after the first: its row of b, written before the first's, must follow it
                await(firstCommitted);
            }), threads);
            first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of("first", "second"), labels(a, 2), "key " + a + " in commit order");
        assertEquals(List.of("first", "second"), labels(b, 2), "key " + b + " in commit order");
    }

    @Test
    void aHotKeysTransactionsWorkSideBySideAndArriveInCommitOrder() throws Exception {
        int count = 50;
        long workMillis = 100;
        String hot = "hot-" + UUID.randomUUID();
        List<CountDownLatch> written = new ArrayList<>();
        List<CountDownLatch> committed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            written.add(new CountDownLatch(1));
            committed.add(new CountDownLatch(1));
        }
        ExecutorService threads = Executors.newFixedThreadPool(count);
        List<CompletableFuture<Void>> transactions = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                int n = i;
                transactions.add(CompletableFuture.runAsync(() -> {
                    stock.inTransaction(() -> {
                        // rows are written last to first, so that the row order is the reverse of the commit order
                        if (n < count - 1) {
                            await(written.get(n + 1));
                        }
                        stock.move(hot, String.valueOf(n));
                        written.get(n).countDown();
                        TestDatabase.sleep(workMillis); // the business work, after the event is written
                        if (n > 0) {
                            await(committed.get(n - 1)); // commits first to last
                        }
                    });
                    committed.get(n).countDown();
                }, threads));
            }
            CompletableFuture.allOf(transactions.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(),
                    TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        // one after the other they would take count x workMillis (5 s); side by side, the work overlaps and only the
        // commits (a few ms each) follow one another: half of the serial time leaves a wide margin for a slow machine
        long bound = count * workMillis / 2;
        System.out.printf("OutboxCommitOrderTest: %d transactions of one key, %d ms of work each: %d ms%n", count,
                workMillis, elapsedMillis);
        assertTrue(elapsedMillis < bound, "50 transactions of one key took " + elapsedMillis + " ms, bound " + bound
                + " ms (serialized they take at least " + count * workMillis + " ms)");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.valueOf(i));
        }
        assertEquals(expected, labels(hot, count), "the hot key's events in commit order");
    }

    private List<String> labels(String item, int expected) {
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE + " WHERE record_key = '" + item
                + "'").isEmpty() && records(item).size() >= expected, TABLE, Duration.ofSeconds(30));
        return records(item).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8).replaceAll(".*\"label\":\"([^\"]*)\".*", "$1"))
                .toList();
    }

    private List<ConsumerRecord<String, byte[]>> records(String item) {
        return RawRecords.readAll(bootstrap, TOPIC).stream().filter(r -> item.equals(r.key())).toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited " + WAIT.toSeconds() + " s for the other transaction");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
