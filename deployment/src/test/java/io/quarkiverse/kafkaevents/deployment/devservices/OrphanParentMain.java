package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

/**
 * A stand-in for a build JVM: starts a dev broker, prints its pid and address, and waits to be killed.
 * <p>
 * Arguments: the cache directory, then optionally a number of nodes. With more than one node it kills node 2 and
 * starts it again before printing {@code CLUSTER <pids, comma separated> <directory>}, so that the restarted node is
 * a child of this JVM too.
 */
public class OrphanParentMain {

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        DevBroker broker = new DevBroker(settings().withNodes(nodes), Path.of(args[0]));
        broker.start();
        if (nodes == 1) {
            System.out.println("BROKER " + broker.pid() + " " + broker.getConnectionInfo());
        } else {
            DevBrokerCluster cluster = DevBrokerCluster.at(broker.workDir());
            cluster.node(2).kill();
            cluster.node(2).start(Duration.ofSeconds(60));
            System.out.println("CLUSTER " + cluster.nodes().stream().map(n -> Long.toString(n.pid()))
                    .collect(Collectors.joining(",")) + " " + cluster.dir());
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static DevBrokerSettings settings() {
        return new DevBrokerSettings("4.1.1", OptionalInt.empty(), "128m", List.of(), null, Map.of(), 1, "INFO",
                Duration.ofSeconds(60), false);
    }
}
