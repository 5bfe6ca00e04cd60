package io.quarkiverse.kafkaevents.benchmarks.latency;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.quarkiverse.kafkaevents.EventMetadata;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.AckProbe;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.LatencyEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.OutboxLatencyEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.LatencyRecorder;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * One event per JTA transaction, published on a small executor (the pacer must not wait for transactions), handled by
 * a non-blocking {@code @EventHandler}. End to end is the scheduled send time to handler entry, as for the other
 * latency contestants. The acknowledgement latency is what the aim compares:
 * <ul>
 * <li>direct ({@code immediate} delivery): from the call to {@code publish} to the broker's acknowledgement (the
 * {@code await} returning, inside the transaction);</li>
 * <li>outbox: from the commit (the transaction's {@code afterCompletion}) to the broker's acknowledgement of the record
 * the outbox sends after it, seen by {@link AckProbe}.</li>
 * </ul>
 */
public final class TransactionalLatencyContestant implements LatencyContestant, AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final boolean outbox;
    private final EventPublisher publisher;
    private final TransactionSynchronizationRegistry registry;
    private final LatencyRecorder recorder;
    private final LatencyRecorder acknowledgements = new LatencyRecorder();
    private final LongAdder failures = new LongAdder();
    private final ExecutorService executor;
    /** Outbox: key -> {sent at, committed at}, until the acknowledgement. */
    private final Map<String, long[]> committed = new ConcurrentHashMap<>();
    private final LongAdder acknowledgedBeforeCommitSeen = new LongAdder();

    private TransactionalLatencyContestant(String name, boolean outbox, EventPublisher publisher,
            TransactionSynchronizationRegistry registry, LatencyRecorder recorder, int threads) {
        this.name = name;
        this.outbox = outbox;
        this.publisher = publisher;
        this.registry = registry;
        this.recorder = recorder;
        AtomicInteger number = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "bench-tx-sender-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        if (outbox) {
            AckProbe.listen(this::acknowledged);
        }
    }

    /** Immediate delivery in a transaction, to {@code LatencyHandler} ({@code recorder}). */
    public static TransactionalLatencyContestant direct(EventPublisher publisher,
            TransactionSynchronizationRegistry registry, LatencyRecorder recorder, int threads) {
        return new TransactionalLatencyContestant("publish in a transaction, immediate -> @EventHandler (Uni)", false,
                publisher, registry, recorder, threads);
    }

    /** Outbox delivery, to {@code OutboxLatencyHandler} ({@code recorder}). */
    public static TransactionalLatencyContestant outbox(EventPublisher publisher,
            TransactionSynchronizationRegistry registry, LatencyRecorder recorder, int threads) {
        return new TransactionalLatencyContestant("publish in a transaction, outbox -> @EventHandler (Uni)", true,
                publisher, registry, recorder, threads);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(long sentAt) {
        executor.execute(() -> {
            try {
                QuarkusTransaction.requiringNew().run(() -> transaction(sentAt));
            } catch (RuntimeException e) {
                failures.increment();
            }
        });
    }

    private void transaction(long sentAt) {
        if (!outbox) {
            long publishing = System.nanoTime();
            publisher.publish(Events.next(LatencyEvent::new, sentAt)).await().atMost(TIMEOUT);
            acknowledgements.record(sentAt, System.nanoTime() - publishing);
            return;
        }
        BenchEvent event = Events.next(OutboxLatencyEvent::new, sentAt);
        registry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    committed.put(event.id, new long[] { sentAt, System.nanoTime() });
                }
            }
        });
        publisher.publish(event, EventMetadata.builder().header(AckProbe.HEADER, event.id).build())
                .await().atMost(TIMEOUT);
    }

    /** The broker acknowledged the outbox's record of the event with this key. */
    private void acknowledged(String key) {
        long now = System.nanoTime();
        long[] times = committed.remove(key);
        if (times == null) {
            acknowledgedBeforeCommitSeen.increment();
            return;
        }
        acknowledgements.record(times[0], now - times[1]);
    }

    @Override
    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public LatencyRecorder acknowledgements() {
        return acknowledgements;
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    @Override
    public void close() {
        if (outbox) {
            AckProbe.listen(null);
            if (acknowledgedBeforeCommitSeen.sum() > 0) {
                System.out.println(name + ": " + acknowledgedBeforeCommitSeen.sum() + " acknowledgements arrived"
                        + " before the commit was seen (not counted)");
            }
        }
        executor.shutdownNow();
    }
}
