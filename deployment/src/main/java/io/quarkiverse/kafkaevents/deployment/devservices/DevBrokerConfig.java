package io.quarkiverse.kafkaevents.deployment.devservices;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigGroup;
import io.smallrye.config.WithDefault;

/**
 * The dev broker: a real Apache Kafka broker started in its own JVM, in dev and test mode, without any container
 * runtime.
 */
@ConfigGroup
public interface DevBrokerConfig {

    /**
     * Whether a broker is started in dev and test mode.
     * <p>
     * When not set, a broker is started unless {@code kafka.bootstrap.servers} is configured. Dev Services as a whole
     * can also be switched off with {@code quarkus.devservices.enabled=false}.
     */
    Optional<Boolean> enabled();

    /**
     * Who provides the broker in dev and test mode.
     * <p>
     * {@code embedded} starts Apache Kafka from Maven artifacts in a separate JVM and needs nothing but a JDK.
     * {@code container} leaves the job to the container-based Kafka Dev Services of Quarkus; set
     * {@code quarkus.kafka.devservices.enabled=true} as well, since this extension switches them off by default.
     */
    @WithDefault("embedded")
    Provider provider();

    /**
     * The number of brokers to start, each in its own JVM.
     * <p>
     * {@code 1} starts a single node. More start a KRaft cluster of that many nodes, each both broker and controller
     * (all of them voters), with replication defaults that let one node fail: {@code default.replication.factor},
     * {@code offsets.topic.replication.factor} and {@code transaction.state.log.replication.factor} of
     * {@code min(3, nodes)}, and {@code min.insync.replicas} and {@code transaction.state.log.min.isr} of 2 from
     * three nodes on (1 below). {@code broker-properties} override these defaults. {@code kafka.bootstrap.servers}
     * lists every node. Tests can kill and restart nodes with
     * {@code io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster}.
     */
    @WithDefault("1")
    int nodes();

    /**
     * The port the broker listens on. When not set, a free port is picked at each start. With several nodes, node
     * {@code n} listens on this port plus {@code n - 1}.
     */
    OptionalInt port();

    /**
     * The maximum heap of each broker JVM ({@code -Xmx}). Defaults to {@code 128m} for a single node and {@code 256m}
     * per node for a cluster, which replicates every write.
     */
    Optional<String> heap();

    /**
     * Extra JVM options for the broker process, separated by spaces.
     */
    Optional<String> jvmOptions();

    /**
     * The Java launcher used to run the broker. Defaults to the {@code java} binary of the JVM that runs the build.
     */
    Optional<String> javaBinary();

    /**
     * The version of Apache Kafka to run. Defaults to the version of {@code kafka-clients} used by the application,
     * so broker and clients always match.
     */
    Optional<String> kafkaVersion();

    /**
     * Broker settings added to (or replacing) the generated {@code server.properties}, for example
     * {@code quarkus.kafka-events.devservices.broker-properties."log.retention.ms"=60000}.
     */
    Map<String, String> brokerProperties();

    /**
     * The number of partitions of topics created automatically by the broker ({@code num.partitions}).
     */
    @WithDefault("1")
    int partitions();

    /**
     * Level of the broker log, written to {@code broker.log} in the broker's working directory.
     * One of {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}.
     */
    @WithDefault("INFO")
    String logLevel();

    /**
     * How long to wait for the broker to accept connections.
     */
    @WithDefault("60s")
    Duration startTimeout();

    /**
     * Whether to speed up later broker starts with a class data sharing archive (AppCDS), created on the first run
     * and kept with the launcher jar and the resolved class path in the temporary directory of the user
     * ({@code <java.io.tmpdir>/quarkus-kafka-events-<user>/dev-broker-<kafka version>}), reused by later builds.
     */
    @WithDefault("true")
    boolean classDataSharing();

    /**
     * How applications connect to the dev broker.
     * <p>
     * {@code none}: plain connections. {@code sasl-ssl}: SCRAM-SHA-512 authentication over TLS, as production clusters
     * usually run; a self-signed certificate and a user with a random password are created at each start, and the
     * application gets the matching {@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
     * {@code kafka.sasl.jaas.config} and {@code kafka.ssl.truststore.*} settings, so that every client it creates is
     * tested with security on.
     */
    @WithDefault("none")
    Security security();

    enum Security {
        /** Plain connections. */
        NONE,
        /** SCRAM-SHA-512 over TLS. */
        SASL_SSL
    }

    enum Provider {
        /**
         * Apache Kafka in a separate JVM started by this extension.
         */
        EMBEDDED,
        /**
         * The container-based Kafka Dev Services of Quarkus.
         */
        CONTAINER
    }

    /**
     * The dev PostgreSQL, started for the outbox's datasource.
     */
    DevPostgresConfig postgres();
}
