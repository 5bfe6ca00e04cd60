package io.quarkiverse.kafkaevents.runtime.internal.topics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The start-up probe of {@code kafka.bootstrap.servers} says what is wrong at the address, names the setting, and
 * fails within {@code quarkus.kafka-events.topics.timeout}: an address that accepts connections but never answers a
 * Kafka request (it does not speak Kafka), one that answers in TLS, and a host name that does not resolve.
 */
class BrokerProbeTest {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Time allowed beyond the timeout: one pause between rounds and the thread's scheduling on a busy machine. */
    static final long MARGIN_MILLIS = 1_500;

    @Test
    void anAddressThatAcceptsButNeverAnswersDoesNotSpeakKafka() throws Exception {
        try (SilentServer server = new SilentServer(null)) {
            long start = System.nanoTime();
            String message = failure("127.0.0.1:" + server.port());
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(message.contains("127.0.0.1:" + server.port()) && message.contains("kafka.bootstrap.servers")
                    && message.contains("do(es) not speak the Kafka protocol")
                    && message.contains("quarkus.kafka-events.topics.timeout, 2 s"), message);
            assertTrue(elapsed >= TIMEOUT.toMillis() - 100 && elapsed < TIMEOUT.toMillis() + MARGIN_MILLIS,
                    "failed after " + elapsed + " ms, timeout " + TIMEOUT.toMillis() + " ms");
        }
    }

    @Test
    void anAddressThatAnswersInTlsIsNamedAsTls() throws Exception {
        // what a TLS listener sends back for a plaintext request: an alert record (content type 21, version 3.x)
        try (SilentServer server = new SilentServer(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50 })) {
            long start = System.nanoTime();
            String message = failure("127.0.0.1:" + server.port());
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(message.contains("answers in TLS") && message.contains("kafka.security.protocol=SSL")
                    && message.contains("kafka.bootstrap.servers"), message);
            assertTrue(elapsed < TIMEOUT.toMillis() + MARGIN_MILLIS, "failed after " + elapsed + " ms");
        }
    }

    @Test
    void anUnknownHostIsNamed() {
        long start = System.nanoTime();
        String message = failure("no-such-host.invalid:9092");
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(message.contains("unknown host no-such-host.invalid")
                && message.contains("The host name(s) [no-such-host.invalid] are unknown")
                && message.contains("kafka.bootstrap.servers") && !message.contains("Nothing accepts connections"),
                message);
        assertTrue(elapsed < TIMEOUT.toMillis() + MARGIN_MILLIS, "failed after " + elapsed + " ms");
    }

    private static String failure(String servers) {
        return assertThrows(TopicProvisioningException.class,
                () -> BrokerProbe.check(Map.of("bootstrap.servers", servers), TIMEOUT)).getMessage();
    }

    /** Accepts connections, reads what comes, and answers with the given bytes (or never answers). */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer(byte[] answer) throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        synchronized (accepted) {
                            accepted.add(client);
                        }
                        if (answer != null) {
                            InputStream in = client.getInputStream();
                            in.read(new byte[64]);
                            OutputStream out = client.getOutputStream();
                            out.write(answer);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (accepted) {
                for (Socket client : accepted) {
                    client.close();
                }
            }
            acceptor.join(2_000);
        }
    }
}
