package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.jboss.logging.Logger;

/**
 * Checks at start-up, before any Kafka client is created, that a broker is configured and that one of the bootstrap
 * servers accepts connections, so that a wrong or missing address fails start-up with one message naming it, instead
 * of the Kafka clients' repeated connection warnings.
 * <ul>
 * <li>No {@code kafka.bootstrap.servers}: fails at once.</li>
 * <li>Every address refuses the connection or does not resolve: tried again for a few seconds (a broker that is just
 * restarting), then fails: nothing listens there.</li>
 * <li>Addresses that do not answer at all (a firewall, a broker still starting): waited for up to
 * {@code quarkus.kafka-events.topics.timeout}.</li>
 * </ul>
 */
final class BrokerProbe {

    private static final Logger LOG = Logger.getLogger(BrokerProbe.class);
    /** How long refused connections and unknown hosts are tried again before start-up fails. */
    static final Duration REFUSED_GRACE = Duration.ofSeconds(3);
    private static final long PAUSE_MILLIS = 250;
    private static final int MAX_CONNECT_MILLIS = 2_000;

    private BrokerProbe() {
    }

    /** Fails start-up with one clear message when no broker is configured or none can be reached. */
    static void check(Map<String, Object> kafkaConfig, Duration timeout) {
        List<String> servers = servers(kafkaConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        if (servers.isEmpty()) {
            throw new IllegalStateException("Kafka Events: no Kafka broker is configured. Set kafka.bootstrap.servers to"
                    + " the bootstrap servers of your cluster (for example kafka.bootstrap.servers=kafka-1:9092,"
                    + "kafka-2:9092), with any security settings under kafka.* (see the Security page of the"
                    + " documentation). In dev and test mode a dev broker is started instead when it is not set.");
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long refusedDeadline = start + Math.min(timeout.toNanos(), REFUSED_GRACE.toNanos());
        boolean announced = false;
        while (true) {
            Map<String, String> failures = new LinkedHashMap<>();
            boolean onlyRefused = true;
            for (String server : servers) {
                long remaining = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                IOException failure = connect(server, (int) Math.min(remaining, MAX_CONNECT_MILLIS));
                if (failure == null) {
                    return;
                }
                failures.put(server, describe(failure));
                onlyRefused &= failure instanceof ConnectException || failure instanceof UnknownHostException;
            }
            long now = System.nanoTime();
            if (now >= deadline || (onlyRefused && now >= refusedDeadline)) {
                throw new TopicProvisioningException("Kafka Events could not reach any Kafka broker at "
                        + String.join(",", servers) + " (kafka.bootstrap.servers) within "
                        + Duration.ofNanos(now - start).toMillis() + " ms: " + failures
                        + ". Check kafka.bootstrap.servers and that the broker is running and reachable from here."
                        + (onlyRefused ? " Nothing accepts connections there: start-up fails after "
                                + REFUSED_GRACE.toSeconds() + " s of refused connections; it waits up to"
                                + " quarkus.kafka-events.topics.timeout (" + format(timeout) + ") only for a broker that"
                                + " does not answer yet."
                                : " Start-up waits up to quarkus.kafka-events.topics.timeout (" + format(timeout)
                                        + ") for a broker that does not answer yet."),
                        null);
            }
            if (!announced) {
                announced = true;
                LOG.infof("Waiting for a Kafka broker at %s (kafka.bootstrap.servers): %s; start-up fails after %s"
                        + " (quarkus.kafka-events.topics.timeout), or after %s s if nothing accepts connections there",
                        String.join(",", servers), failures, format(timeout), REFUSED_GRACE.toSeconds());
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while waiting for the Kafka broker at "
                        + String.join(",", servers), e);
            }
        }
    }

    /** {@code null} when a connection could be opened, the failure otherwise. */
    private static IOException connect(String server, int timeoutMillis) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            return new UnknownHostException("not a host:port address");
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            return new UnknownHostException("not a host:port address");
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(host, port);
        } catch (IllegalArgumentException e) {
            return new UnknownHostException("invalid port " + port);
        }
        if (address.isUnresolved()) {
            return new UnknownHostException("unknown host " + host);
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, timeoutMillis);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String describe(IOException failure) {
        if (failure instanceof SocketTimeoutException) {
            return "no answer";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** The bootstrap servers as {@code host:port}, without any {@code PROTOCOL://} prefix. */
    static List<String> servers(Object value) {
        List<String> servers = new ArrayList<>();
        if (value == null) {
            return servers;
        }
        Collection<?> entries = value instanceof Collection<?> list ? list : List.of(value.toString().split(","));
        for (Object entry : entries) {
            String server = String.valueOf(entry).trim();
            int scheme = server.indexOf("://");
            if (scheme >= 0) {
                server = server.substring(scheme + 3);
            }
            if (!server.isEmpty()) {
                servers.add(server);
            }
        }
        return servers;
    }
}
