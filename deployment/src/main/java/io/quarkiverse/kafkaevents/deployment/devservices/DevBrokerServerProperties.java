package io.quarkiverse.kafkaevents.deployment.devservices;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerMain;

/**
 * The {@code server.properties} of a dev broker node: KRaft combined mode (broker and controller) with static voters,
 * replication defaults that fit the number of nodes, small memory settings, then the user's
 * {@code broker-properties}, which override everything.
 */
final class DevBrokerServerProperties {

    private DevBrokerServerProperties() {
    }

    /**
     * The client and controller ports of one node.
     */
    record Ports(int client, int controller) {
    }

    /**
     * @param settings the dev broker settings
     * @param nodeId the node, from 1
     * @param ports the ports of all nodes, node 1 first
     * @param nodeDir the node's directory
     * @param clusterId the KRaft cluster id shared by all nodes
     * @param security the SASL_SSL material, or {@code null} for plain connections
     */
    static Properties forNode(DevBrokerSettings settings, int nodeId, List<Ports> ports, Path nodeDir,
            String clusterId, DevBrokerSecurity security) {
        int nodes = ports.size();
        Ports own = ports.get(nodeId - 1);
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            if (i > 0) {
                voters.append(',');
            }
            voters.append(i + 1).append("@127.0.0.1:").append(ports.get(i).controller());
        }
        String replicationFactor = Integer.toString(Math.min(3, nodes));
        // two in-sync replicas once there are three: one node may fail without stopping acks=all writes
        String minInSync = nodes >= 3 ? "2" : "1";

        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("controller.quorum.voters", voters.toString());
        props.setProperty("listeners",
                "PLAINTEXT://127.0.0.1:" + own.client() + ",CONTROLLER://127.0.0.1:" + own.controller());
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + own.client());
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.setProperty("log.dirs", nodeDir.resolve(DevBrokerCluster.DATA_DIR).toString());
        props.setProperty("num.partitions", Integer.toString(settings.partitions()));
        props.setProperty("default.replication.factor", replicationFactor);
        props.setProperty("min.insync.replicas", minInSync);
        props.setProperty("offsets.topic.replication.factor", replicationFactor);
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.replication.factor", replicationFactor);
        props.setProperty("transaction.state.log.min.isr", minInSync);
        props.setProperty("transaction.state.log.num.partitions", "5");
        props.setProperty("share.coordinator.state.topic.replication.factor", replicationFactor);
        props.setProperty("share.coordinator.state.topic.min.isr", minInSync);
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // the default 128 MiB dedupe buffer dominates the broker's memory
        props.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        props.setProperty("auto.create.topics.enable", "true");
        if (security != null) {
            security.configure(props, own.client(), own.controller());
        }
        for (Map.Entry<String, String> e : settings.brokerProperties().entrySet()) {
            props.setProperty(e.getKey(), e.getValue());
        }
        // read and removed by the launcher, never seen by Kafka
        props.setProperty(DevBrokerMain.CLUSTER_ID, clusterId);
        props.setProperty(DevBrokerMain.PID_FILE, nodeDir.resolve(DevBrokerCluster.PID_FILE).toString());
        props.setProperty(DevBrokerMain.DELETE_WHEN_ORPHANED, nodeDir.toString());
        return props;
    }

    /** A KRaft cluster id: 16 random bytes, URL-safe Base64 without padding, not starting with a dash. */
    static String clusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }
}
