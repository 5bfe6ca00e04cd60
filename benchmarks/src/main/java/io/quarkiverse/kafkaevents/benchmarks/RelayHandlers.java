package io.quarkiverse.kafkaevents.benchmarks;

import java.time.Duration;

import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.ConsumeEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RelayedEvent;

/**
 * The handling benchmark's handlers: each handles an event and publishes one in reaction, under one of the delivery
 * guarantees. At-least-once waits for the broker's acknowledgement before returning (returning earlier could lose the
 * event in a crash); the Kafka-transaction handler's publish completes when the event is held in its transaction; the
 * inbox handler claims the event in PostgreSQL in a JTA transaction, then publishes as the at-least-once one does.
 */
public class RelayHandlers {

    public static final String AT_LEAST_ONCE_GROUP = "bench-relay-at-least-once";
    public static final String TRANSACTION_GROUP = "bench-relay-kafka-transaction";
    public static final String INBOX_GROUP = "bench-relay-inbox";
    private static final Duration ACK = Duration.ofSeconds(30);

    @Inject
    Probes probes;

    @Inject
    EventPublisher publisher;

    @EventHandler(group = AT_LEAST_ONCE_GROUP)
    void atLeastOnce(ConsumeEvent event) {
        publisher.publish(relayed(event)).await().atMost(ACK);
        probes.relayAtLeastOnce.record(event);
    }

    @EventHandler(group = TRANSACTION_GROUP, kafkaTransaction = true)
    void inKafkaTransaction(ConsumeEvent event) {
        publisher.publish(relayed(event)).await().atMost(ACK);
        probes.relayTransaction.record(event);
    }

    @EventHandler(group = INBOX_GROUP, inbox = true)
    void throughInbox(ConsumeEvent event) {
        publisher.publish(relayed(event)).await().atMost(ACK);
        probes.relayInbox.record(event);
    }

    private static RelayedEvent relayed(ConsumeEvent event) {
        RelayedEvent relayed = new RelayedEvent();
        relayed.id = event.id;
        relayed.sentAt = event.sentAt;
        relayed.customerId = event.customerId;
        relayed.item = event.item;
        relayed.quantity = event.quantity;
        relayed.priceCents = event.priceCents;
        relayed.note = event.note;
        return relayed;
    }
}
