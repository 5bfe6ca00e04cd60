package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collection;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Explains a broker that cannot be reached over TLS: Kafka's clients report a failed TLS handshake (an untrusted
 * certificate, say) only as a timeout. On that failure path only, one handshake is tried with the application's
 * truststore settings, and a failure is named with the settings to check. Never on the hot path, never a secret in the
 * message.
 */
final class TlsDiagnosis {

    private static final int TIMEOUT_MILLIS = 3000;

    private TlsDiagnosis() {
    }

    /**
     * Why the TLS handshake with the first bootstrap server fails, or {@code null} when the connection does not use
     * TLS, the handshake succeeds, or the server cannot be reached at all.
     */
    static String explain(Map<String, Object> clientConfig) {
        Object protocol = clientConfig.get("security.protocol");
        if (protocol == null || !protocol.toString().toUpperCase().contains("SSL")) {
            return null;
        }
        String server = firstServer(clientConfig.get("bootstrap.servers"));
        int colon = server == null ? -1 : server.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        javax.net.ssl.TrustManager[] trust;
        try {
            trust = trustManagers(clientConfig);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return "the truststore could not be read (" + e.getMessage() + "); check kafka.ssl.truststore.location,"
                    + " kafka.ssl.truststore.password and kafka.ssl.truststore.type";
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(server.substring(0, colon),
                        Integer.parseInt(server.substring(colon + 1))), TIMEOUT_MILLIS);
                plain.setSoTimeout(TIMEOUT_MILLIS);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
                        server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)), false)) {
                    socket.startHandshake();
                }
            }
            return null;
        } catch (SSLException e) {
            return "the TLS handshake with " + server + " failed (" + e.getMessage() + "): the broker's certificate is"
                    + " not trusted or names another host; check kafka.ssl.truststore.location,"
                    + " kafka.ssl.truststore.password and kafka.ssl.truststore.type";
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Map<String, Object> config)
            throws IOException, GeneralSecurityException {
        Object location = config.get("ssl.truststore.location");
        if (location == null) {
            return null; // the JVM's default trust
        }
        Object type = config.get("ssl.truststore.type");
        Object password = config.get("ssl.truststore.password");
        KeyStore store = KeyStore.getInstance(type == null ? "JKS" : type.toString());
        try (InputStream in = Files.newInputStream(Path.of(location.toString()))) {
            store.load(in, password == null ? null : passwordOf(password));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static char[] passwordOf(Object password) {
        return password instanceof org.apache.kafka.common.config.types.Password secret ? secret.value().toCharArray()
                : password.toString().toCharArray();
    }

    private static String firstServer(Object servers) {
        if (servers instanceof Collection<?> list) {
            return list.isEmpty() ? null : list.iterator().next().toString().trim();
        }
        return servers == null ? null : servers.toString().split(",")[0].trim();
    }
}
