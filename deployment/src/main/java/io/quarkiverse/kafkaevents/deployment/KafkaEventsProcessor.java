package io.quarkiverse.kafkaevents.deployment;

import io.quarkiverse.kafkaevents.runtime.internal.EnvironmentConfigBuilder;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigBuilderBuildItem;

public class KafkaEventsProcessor {

    public static final String FEATURE = "kafka-events";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /**
     * The environment defaults to the active profile as a configuration value, so generated channel settings can refer
     * to it.
     */
    @BuildStep
    RunTimeConfigBuilderBuildItem environmentDefault() {
        return new RunTimeConfigBuilderBuildItem(EnvironmentConfigBuilder.class);
    }
}
