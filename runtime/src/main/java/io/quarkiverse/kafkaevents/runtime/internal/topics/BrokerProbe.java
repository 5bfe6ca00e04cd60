package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * servers answers in the Kafka protocol, so that a wrong or missing address fails start-up with one message naming it
 * and what is wrong there, instead of the Kafka clients' repeated connection warnings or a bare timeout.
 * <ul>
 * <li>No {@code kafka.bootstrap.servers}: fails at once.</li>
 * <li>Every address refuses the connection, has a host name that does not resolve, or answers in another protocol
 * (TLS, HTTP): tried again for a few seconds (a broker that is just restarting), then fails, saying which.</li>
 * <li>Addresses that do not answer at all (a firewall, a broker still starting), or accept connections but never
 * answer a Kafka request (another service): waited for up to {@code quarkus.kafka-events.topics.timeout}.</li>
 * </ul>
 * Where the connection is plain (no {@code SSL} in {@code security.protocol}), the probe sends a Kafka
 * {@code ApiVersions} request, which every broker answers before any authentication; over TLS it only opens a
 * connection (a failed handshake is explained later by {@link TlsDiagnosis}).
 */
public final class BrokerProbe {

    private static final Logger LOG = Logger.getLogger(BrokerProbe.class);
    /** How long refused connections, unknown hosts and foreign protocols are tried again before start-up fails. */
    static final Duration REFUSED_GRACE = Duration.ofSeconds(3);
    private static final long PAUSE_MILLIS = 250;
    private static final int MAX_CONNECT_MILLIS = 2_000;
    private static final int MAX_ANSWER_MILLIS = 5_000;
    private static final int CORRELATION_ID = 0x6b657674;

    /** What went wrong at one address. */
    enum Kind {
        UNKNOWN_HOST(true),
        REFUSED(true),
        /** No TCP connection within the connect timeout. */
        NO_ANSWER(false),
        /** A connection, but no answer to a Kafka request. */
        SILENT(false),
        /** An answer, but in TLS. */
        TLS(true),
        /** An answer, but in another protocol. */
        FOREIGN(true),
        OTHER(false);

        /** Whether it is final enough to fail after {@link #REFUSED_GRACE} rather than the whole timeout. */
        final boolean quick;

        Kind(boolean quick) {
            this.quick = quick;
        }
    }

    record Failure(Kind kind, String detail) {
    }

    private BrokerProbe() {
    }

    /** Fails start-up with one clear message when no broker is configured or none answers. */
    public static void check(Map<String, Object> kafkaConfig, Duration timeout) {
        List<String> servers = servers(kafkaConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        if (servers.isEmpty()) {
            throw new IllegalStateException("Kafka Events: no Kafka broker is configured. Set kafka.bootstrap.servers to"
                    + " the bootstrap servers of your cluster (for example kafka.bootstrap.servers=kafka-1:9092,"
                    + "kafka-2:9092), with any security settings under kafka.* (see the Security page of the"
                    + " documentation). In dev and test mode a dev broker is started instead when it is not set.");
        }
        Object protocol = kafkaConfig.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        boolean plain = protocol == null || !protocol.toString().toUpperCase().contains("SSL");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long quickDeadline = start + Math.min(timeout.toNanos(), REFUSED_GRACE.toNanos());
        boolean announced = false;
        while (true) {
            Map<String, Failure> failures = new LinkedHashMap<>();
            boolean quick = true;
            for (String server : servers) {
                Failure failure = probe(server, deadline, plain);
                if (failure == null) {
                    return;
                }
                failures.put(server, failure);
                quick &= failure.kind().quick;
            }
            long now = System.nanoTime();
            if (now >= deadline || (quick && now >= quickDeadline)) {
                throw new TopicProvisioningException(message(servers, failures, Duration.ofNanos(now - start), timeout),
                        null);
            }
            if (!announced) {
                announced = true;
                LOG.infof("Waiting for a Kafka broker at %s (kafka.bootstrap.servers): %s; start-up fails after %s"
                        + " (quarkus.kafka-events.topics.timeout), or after %s s if nothing there accepts connections"
                        + " or speaks Kafka", String.join(",", servers), describe(failures), format(timeout),
                        REFUSED_GRACE.toSeconds());
            }
            try {
                Thread.sleep(Math.max(0, Math.min(PAUSE_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while waiting for the Kafka broker at "
                        + String.join(",", servers), e);
            }
        }
    }

    private static String message(List<String> servers, Map<String, Failure> failures, Duration elapsed,
            Duration timeout) {
        StringBuilder message = new StringBuilder("Kafka Events could not reach any Kafka broker at ")
                .append(String.join(",", servers)).append(" (kafka.bootstrap.servers) within ")
                .append(elapsed.toMillis()).append(" ms: ").append(describe(failures)).append('.');
        List<String> unknown = serversOf(failures, Kind.UNKNOWN_HOST);
        if (!unknown.isEmpty()) {
            List<String> hosts = new ArrayList<>();
            for (String server : unknown) {
                hosts.add(host(server));
            }
            message.append(" The host name(s) ").append(hosts).append(" are unknown (they do not resolve from here):")
                    .append(" check kafka.bootstrap.servers for a typo, and the DNS or hosts file of this machine.");
        }
        List<String> refused = serversOf(failures, Kind.REFUSED);
        if (!refused.isEmpty()) {
            message.append(" Nothing accepts connections at ").append(refused).append(": check kafka.bootstrap.servers")
                    .append(" and that the broker is running and reachable from here.");
        }
        List<String> tls = serversOf(failures, Kind.TLS);
        if (!tls.isEmpty()) {
            message.append(" ").append(tls).append(" answer(s) in TLS, not in plain Kafka: kafka.bootstrap.servers")
                    .append(" names a TLS listener; set kafka.security.protocol=SSL (or SASL_SSL) with the truststore")
                    .append(" settings, or name the broker's plaintext listener.");
        }
        List<String> foreign = serversOf(failures, Kind.FOREIGN);
        List<String> silent = serversOf(failures, Kind.SILENT);
        if (!foreign.isEmpty() || !silent.isEmpty()) {
            List<String> both = new ArrayList<>(foreign);
            both.addAll(silent);
            message.append(" ").append(both).append(" accept(s) connections but do(es) not speak the Kafka protocol")
                    .append(" (no Kafka answer within quarkus.kafka-events.topics.timeout, ").append(format(timeout))
                    .append("): kafka.bootstrap.servers points at another service or port, or at a listener that")
                    .append(" expects TLS (kafka.security.protocol=SSL) or another protocol.");
        }
        if (failures.values().stream().allMatch(f -> f.kind().quick)) {
            message.append(" Start-up fails after ").append(REFUSED_GRACE.toSeconds()).append(" s of such answers; it")
                    .append(" waits up to quarkus.kafka-events.topics.timeout (").append(format(timeout))
                    .append(") only for a broker that does not answer yet.");
        } else {
            message.append(" Start-up waits up to quarkus.kafka-events.topics.timeout (").append(format(timeout))
                    .append(") for a broker that does not answer yet.");
        }
        return message.toString();
    }

    private static List<String> serversOf(Map<String, Failure> failures, Kind kind) {
        List<String> servers = new ArrayList<>();
        failures.forEach((server, failure) -> {
            if (failure.kind() == kind) {
                servers.add(server);
            }
        });
        return servers;
    }

    private static String describe(Map<String, Failure> failures) {
        Map<String, String> details = new LinkedHashMap<>();
        failures.forEach((server, failure) -> details.put(server, failure.detail()));
        return details.toString();
    }

    private static String host(String server) {
        int colon = server.lastIndexOf(':');
        String host = colon > 0 ? server.substring(0, colon) : server;
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@code null} when the server answered (in Kafka, or opened a connection over TLS), what failed otherwise. */
    static Failure probe(String server, long deadline, boolean plain) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || colon == server.length() - 1) {
            return new Failure(Kind.UNKNOWN_HOST, "not a host:port address");
        }
        String host = host(server);
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            return new Failure(Kind.UNKNOWN_HOST, "not a host:port address");
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(host, port);
        } catch (IllegalArgumentException e) {
            return new Failure(Kind.UNKNOWN_HOST, "invalid port " + port);
        }
        if (address.isUnresolved()) {
            return new Failure(Kind.UNKNOWN_HOST, "unknown host " + host);
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, millisLeft(deadline, MAX_CONNECT_MILLIS));
            if (!plain) {
                return null;
            }
            return askApiVersions(socket, deadline);
        } catch (SocketTimeoutException e) {
            return new Failure(Kind.NO_ANSWER, "no answer");
        } catch (ConnectException e) {
            return new Failure(Kind.REFUSED, "connection refused");
        } catch (IOException e) {
            return new Failure(Kind.OTHER, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Sends a Kafka {@code ApiVersions} request (version 0) and reads the start of the answer. */
    private static Failure askApiVersions(Socket socket, long deadline) throws IOException {
        byte[] clientId = "kafka-events-probe".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + clientId.length);
        request.putInt(request.capacity() - 4).putShort((short) 18).putShort((short) 0).putInt(CORRELATION_ID)
                .putShort((short) clientId.length).put(clientId);
        socket.getOutputStream().write(request.array());
        socket.getOutputStream().flush();
        int wait = millisLeft(deadline, MAX_ANSWER_MILLIS);
        socket.setSoTimeout(wait);
        byte[] answer = new byte[8];
        int read = 0;
        try {
            InputStream in = socket.getInputStream();
            for (int n; read < answer.length && (n = in.read(answer, read, answer.length - read)) > 0;) {
                read += n;
            }
        } catch (SocketTimeoutException e) {
            if (read == 0) {
                return new Failure(Kind.SILENT, "accepts connections, no Kafka answer within " + wait + " ms");
            }
        }
        if (read >= 2 && answer[0] == 0x15 && answer[1] == 0x03) {
            return new Failure(Kind.TLS, "answers in TLS");
        }
        if (read >= 4 && new String(answer, 0, 4, StandardCharsets.US_ASCII).equals("HTTP")) {
            return new Failure(Kind.FOREIGN, "answers in HTTP");
        }
        ByteBuffer header = ByteBuffer.wrap(answer);
        if (read == answer.length && header.getInt() > 0 && header.getInt() == CORRELATION_ID) {
            return null;
        }
        return read == 0 ? new Failure(Kind.SILENT, "accepts connections, then closes them without a Kafka answer")
                : new Failure(Kind.FOREIGN, "answers, but not in the Kafka protocol");
    }

    private static int millisLeft(long deadline, int cap) {
        return (int) Math.max(1, Math.min(cap, (deadline - System.nanoTime()) / 1_000_000));
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
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
