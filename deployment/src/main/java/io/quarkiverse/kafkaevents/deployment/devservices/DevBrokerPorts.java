package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The loopback ports of the dev broker's nodes.
 */
final class DevBrokerPorts {

    private DevBrokerPorts() {
    }

    /**
     * Client ports (the configured one and the next ones, or free ports) and free controller ports. The sockets are
     * held until all ports are chosen, so no port is picked twice.
     */
    static List<DevBrokerServerProperties.Ports> choose(DevBrokerSettings settings) {
        int nodes = settings.nodes();
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<DevBrokerServerProperties.Ports> ports = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                int client = settings.port().isPresent() ? configuredPort(settings, settings.port().getAsInt() + i, i + 1)
                        : hold(held);
                ports.add(new DevBrokerServerProperties.Ports(client, hold(held)));
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is free again either way
                }
            }
        }
    }

    private static int configuredPort(DevBrokerSettings settings, int port, int nodeId) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            String which = settings.nodes() > 1 ? " (quarkus.kafka-events.devservices.port"
                    + (nodeId > 1 ? " + " + (nodeId - 1) + ", for node " + nodeId : ", for node 1") + ")"
                    : " (quarkus.kafka-events.devservices.port)";
            throw new IllegalStateException("Port " + port + which + " is already in use"
                    + " on 127.0.0.1, so the dev broker cannot listen on it. Choose another port, or remove the setting"
                    + " to let the dev broker pick a free one.");
        }
    }

    private static int hold(List<ServerSocket> held) {
        try {
            ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            socket.setReuseAddress(true);
            held.add(socket);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on 127.0.0.1 for the dev broker", e);
        }
    }
}
