package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A stand-in for a build JVM: starts a dev broker, prints its pid and address, and waits to be killed.
 */
public class OrphanParentMain {

    public static void main(String[] args) throws Exception {
        DevBroker broker = new DevBroker(settings(), Path.of(args[0]));
        broker.start();
        System.out.println("BROKER " + broker.pid() + " " + broker.getConnectionInfo());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static DevBrokerSettings settings() {
        return new DevBrokerSettings("4.1.1", OptionalInt.empty(), "128m", List.of(), null, Map.of(), 1, "INFO",
                Duration.ofSeconds(60), false);
    }
}
