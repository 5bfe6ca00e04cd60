package io.quarkiverse.kafkaevents.deployment.asyncapi;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The HTTP endpoint serving the service's AsyncAPI document.
 */
@ConfigMapping(prefix = "quarkus.kafka-events.asyncapi")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface AsyncApiEndpointConfig {

    /**
     * Whether the AsyncAPI document generated at build time is served as JSON at {@code /q/kafka-events/asyncapi}
     * (under the non-application root path) in production and test mode. In dev mode it is always served. Needs an
     * HTTP server in the application (the {@code quarkus-vertx-http} extension, which REST extensions bring).
     */
    @WithDefault("false")
    boolean enabled();
}
