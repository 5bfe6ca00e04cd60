package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A stand-in for a build JVM: starts a dev PostgreSQL, prints
 * {@code POSTGRES <launcher pid> <jdbc url> <work directory> <ready ms>}, and waits to be killed.
 * <p>
 * Argument: the cache directory.
 */
public class OrphanPostgresParentMain {

    public static void main(String[] args) throws Exception {
        DevPostgres server = new DevPostgres(config(), Path.of(args[0]), "<default>");
        server.start();
        System.out.println("POSTGRES " + server.pid() + " " + server.getConnectionInfo() + " " + server.workDir()
                + " " + server.readyMillis());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static DevPostgresConfig config() {
        return new DevPostgresConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String version() {
                return "17.5.0";
            }

            @Override
            public OptionalInt port() {
                return OptionalInt.empty();
            }

            @Override
            public Duration startTimeout() {
                return Duration.ofSeconds(90);
            }

            @Override
            public Optional<String> javaBinary() {
                return Optional.empty();
            }
        };
    }
}
