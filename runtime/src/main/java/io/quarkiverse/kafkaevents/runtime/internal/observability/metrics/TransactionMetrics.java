package io.quarkiverse.kafkaevents.runtime.internal.observability.metrics;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.ChannelTransactions;
import io.quarkus.runtime.StartupEvent;

/**
 * Metrics of the Kafka transactions of handler channels, when the application has Micrometer:
 * {@code kafka_events_transactions_total{channel, group, outcome}}, the outcome {@code committed}, {@code aborted}
 * (sent again in the next transaction) or {@code fenced} (the producer could not go on: the channel's partitions were
 * read again from their committed offsets).
 */
@Singleton
public class TransactionMetrics {

    static final String TRANSACTIONS = "kafka.events.transactions";

    void register(@Observes StartupEvent startup, MeterRegistry registry, HandlerDispatcher dispatcher) {
        for (HandlerChannel handlers : dispatcher.topology().channels()) {
            ChannelTransactions transactions = handlers.commits.transactions();
            if (transactions == null) {
                continue;
            }
            for (ChannelTransactions.Outcome outcome : ChannelTransactions.Outcome.values()) {
                FunctionCounter.builder(TRANSACTIONS, transactions, t -> t.count(outcome))
                        .tags("channel", handlers.channel, "group", handlers.consumerGroup, "outcome",
                                outcome.name().toLowerCase(java.util.Locale.ROOT))
                        .description("Kafka transactions of handler channels, by outcome")
                        .register(registry);
            }
        }
    }
}
