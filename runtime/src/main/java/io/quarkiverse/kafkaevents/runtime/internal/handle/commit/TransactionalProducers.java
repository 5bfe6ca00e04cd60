package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsTransactionsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;

/**
 * Makes the transactional producers of handler channels: the publisher channel's producer settings (bootstrap
 * servers, security, batching, the user's {@code mp.messaging.outgoing.kafka-events-publisher.*}), plus a
 * {@code transactional.id} and the transaction timeout.
 */
public final class TransactionalProducers {

    private TransactionalProducers() {
    }

    /** The settings of the channels' transactions. */
    public static ChannelTransactions.Settings settings(KafkaEventsConfig config, Config values,
            KafkaClientService clients) {
        KafkaEventsTransactionsConfig transactions = config.transactions();
        String prefix = transactions.idPrefix().orElseGet(() -> "kafka-events."
                + values.getOptionalValue("quarkus.kafka-events.environment", String.class).orElse("default") + "."
                + values.getOptionalValue("quarkus.application.name", String.class).orElse("application"));
        String instance = config.instanceId().orElseGet(() -> UUID.randomUUID().toString());
        long timeout = transactions.timeout().toMillis();
        return new ChannelTransactions.Settings(transactions.commitInterval(), Math.max(1, transactions.maxRecords()),
                prefix + "." + instance, id -> create(clients, id, timeout));
    }

    private static Producer<String, byte[]> create(KafkaClientService clients, String transactionalId, long timeout) {
        KafkaProducer<?, ?> publisher = clients.getProducer(KafkaEventPublisher.CHANNEL);
        Map<String, Object> settings = new HashMap<>();
        if (publisher != null) {
            settings.putAll(publisher.configuration());
        }
        settings.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        settings.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-events-tx-" + transactionalId);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout));
        return new org.apache.kafka.clients.producer.KafkaProducer<>(settings, new StringSerializer(),
                new ByteArraySerializer());
    }
}
