package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.Map;

import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * The compatibility gate: at build time, each event type's JSON Schema is compared with the baseline committed for the
 * same type and version.
 */
@ConfigGroup
public interface ContractsBuildTimeConfig {

    /**
     * The folder of the committed baselines: one file per event type and version,
     * {@code <folder>/<event type>/v<version>.json} (a type without {@code @EventTopic(version)} is version 1).
     * <p>
     * A relative path is resolved against the module's directory (the parent of the build output directory,
     * {@code target}). Commit this folder with the code: the build compares each type's current schema with its
     * baseline and fails on a change that breaks readers of the same version. A type without a baseline is reported
     * as {@code new}.
     */
    @WithDefault("src/main/kafka-events/baselines")
    String baselines();

    /**
     * Writes (or refreshes) the baselines from the current schemas instead of failing on a breaking change, for
     * example {@code mvn package -Dquarkus.kafka-events.contracts.write-baselines=true}. The verdicts of that build
     * are still reported, against the baselines as they were before.
     */
    @WithDefault("false")
    boolean writeBaselines();

    /**
     * Accepts a breaking change of an event type knowingly, by type name, for example
     * {@code quarkus.kafka-events.contracts.accept-breaking."OrderPlaced"=true}: the build logs the change and goes on
     * (verdict {@code accepted}) instead of failing.
     * <p>
     * Use it when every reader of the version can take the change (you changed them first, or there are none yet),
     * then refresh the baseline with {@code write-baselines} and remove the setting: while it is set, any later break
     * of the type passes too. The alternative is to bump {@code @EventTopic(version)}, which moves the type to a new
     * topic that old readers do not read.
     */
    @ConfigDocMapKey("event-type")
    Map<String, Boolean> acceptBreaking();
}
