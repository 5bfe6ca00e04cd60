package io.quarkiverse.kafkaevents.benchmarks.outbox;

import java.time.Duration;
import java.util.function.Supplier;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.DirectTxEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.OutboxEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * A writer's transaction, as an application writes it: {@code QuarkusTransaction.requiringNew()}, then
 * {@code publisher.publish(event).await()} for each event. The code is the same for every contestant; the event
 * type's delivery decides what publishing means: with {@code immediate} delivery the event is sent at once and the
 * {@code await} returns on the broker's acknowledgement, inside the transaction; with {@code outbox} delivery it
 * returns when the row is written, and the event is sent after the commit.
 */
public final class TransactionalContestant {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final String topic;
    private final int eventsPerTransaction;
    private final Supplier<BenchEvent> type;
    private final EventPublisher publisher;

    private TransactionalContestant(String name, String topic, int eventsPerTransaction, Supplier<BenchEvent> type,
            EventPublisher publisher) {
        this.name = name;
        this.topic = topic;
        this.eventsPerTransaction = eventsPerTransaction;
        this.type = type;
        this.publisher = publisher;
    }

    /** Immediate delivery, one event per transaction, awaiting the broker's acknowledgement before the commit. */
    public static TransactionalContestant direct(EventPublisher publisher) {
        return new TransactionalContestant("EventPublisher.publish, immediate (1 event per transaction)",
                "bench.outbox.direct", 1, DirectTxEvent::new, publisher);
    }

    /** Outbox delivery, {@code eventsPerTransaction} events per transaction. */
    public static TransactionalContestant outbox(EventPublisher publisher, int eventsPerTransaction) {
        return new TransactionalContestant("EventPublisher.publish, outbox (" + eventsPerTransaction + " event"
                + (eventsPerTransaction == 1 ? "" : "s") + " per transaction)", "bench.outbox", eventsPerTransaction,
                OutboxEvent::new, publisher);
    }

    public String name() {
        return name;
    }

    /** Where its events end up. */
    public String topic() {
        return topic;
    }

    public int eventsPerTransaction() {
        return eventsPerTransaction;
    }

    /** One transaction: {@link #eventsPerTransaction()} events published, then the commit. */
    public void transaction() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < eventsPerTransaction; i++) {
                publisher.publish(Events.next(type)).await().atMost(TIMEOUT);
            }
        });
    }
}
