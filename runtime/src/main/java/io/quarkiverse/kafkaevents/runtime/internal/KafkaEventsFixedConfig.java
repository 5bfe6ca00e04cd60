package io.quarkiverse.kafkaevents.runtime.internal;

import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigGroup;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of Kafka Events for Quarkus that decides what the build generates: it is fixed when the application is
 * built, and can be read, not changed, at run time.
 */
@ConfigMapping(prefix = "quarkus.kafka-events")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface KafkaEventsFixedConfig {

    /**
     * What happens when a handler fails or a record cannot be read.
     */
    @ConfigDocSection
    FailureFixedConfig failure();

    @ConfigGroup
    interface FailureFixedConfig {

        /**
         * How failed handlers are retried before the record goes to the dead-letter topic.
         * <ul>
         * <li>{@code in-process}: the consumer retries with backoff, holding up only the partition of the failed
         * record.</li>
         * <li>{@code retry-topics}: the record moves to {@code <topic>.retry-1}, {@code <topic>.retry-2}, ... (one topic
         * per retry, consumed by a separate consumer once the record's backoff has passed), so the source partition
         * moves on at once; retry topics are provisioned with the source topic's partition count.</li>
         * <li>{@code none}: dead-letter at the first failure.</li>
         * </ul>
         * Fixed at build time, because {@code retry-topics} adds a consumer per handler channel.
         */
        @WithDefault("in-process")
        FailureMode mode();
    }

    enum FailureMode {
        /** Retry in the consumer, then dead-letter. */
        IN_PROCESS,
        /** Retry through one retry topic per attempt, then dead-letter. */
        RETRY_TOPICS,
        /** Dead-letter at the first failure. */
        NONE
    }
}
