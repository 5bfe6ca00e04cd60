package io.quarkiverse.kafkaevents.deployment.observability;

import java.util.Optional;

import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsBrokerCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsLivenessCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsOutboxCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsPublisherCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsReadinessCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.health.KafkaEventsStartupCheck;
import io.quarkiverse.kafkaevents.runtime.internal.observability.metrics.MicrometerEventMonitor;
import io.quarkiverse.kafkaevents.runtime.internal.observability.metrics.OutboxMetrics;
import io.quarkiverse.kafkaevents.runtime.internal.observability.metrics.TransactionMetrics;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * Health checks and metrics, each registered only when its Quarkus extension is in the application: the runtime
 * classes that use their APIs are never loaded otherwise.
 */
public class ObservabilityProcessor {

    @BuildStep
    AdditionalBeanBuildItem monitors() {
        return AdditionalBeanBuildItem.unremovableOf(EventMonitors.class);
    }

    @BuildStep
    void health(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            beans.produce(AdditionalBeanBuildItem.builder()
                    .addBeanClasses(KafkaEventsReadinessCheck.class, KafkaEventsStartupCheck.class,
                            KafkaEventsLivenessCheck.class, KafkaEventsPublisherCheck.class,
                            KafkaEventsBrokerCheck.class)
                    .setUnremovable().build());
            // the outbox's backlog: only where the outbox can be (EventTypesProcessor#transactionalDelivery)
            if (capabilities.isPresent(Capability.TRANSACTIONS) && capabilities.isPresent(Capability.AGROAL)) {
                beans.produce(AdditionalBeanBuildItem.unremovableOf(KafkaEventsOutboxCheck.class));
            }
        }
    }

    @BuildStep
    void metrics(Optional<MetricsCapabilityBuildItem> metrics, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(MicrometerEventMonitor.class));
            beans.produce(AdditionalBeanBuildItem.unremovableOf(OutboxMetrics.class));
            beans.produce(AdditionalBeanBuildItem.unremovableOf(TransactionMetrics.class));
        }
    }
}
