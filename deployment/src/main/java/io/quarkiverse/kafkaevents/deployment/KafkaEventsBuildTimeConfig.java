package io.quarkiverse.kafkaevents.deployment;

import io.quarkiverse.kafkaevents.deployment.contracts.compat.ContractsBuildTimeConfig;
import io.quarkiverse.kafkaevents.deployment.devservices.DevBrokerConfig;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;

/**
 * Build-time configuration of Kafka Events for Quarkus.
 */
@ConfigMapping(prefix = "quarkus.kafka-events")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface KafkaEventsBuildTimeConfig {

    /**
     * The broker started for you in dev and test mode.
     */
    DevBrokerConfig devservices();

    /**
     * The compatibility gate of the event contracts.
     */
    ContractsBuildTimeConfig contracts();
}
