package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerMain;

/**
 * The dev broker's {@code SASL_SSL} mode: SCRAM-SHA-512 over TLS, as production clusters run it. At each start a
 * self-signed certificate for {@code 127.0.0.1}/{@code localhost} (in a PKCS12 keystore for the brokers and a
 * truststore for the clients, made with the JDK's {@code keytool}) and a SCRAM user with a random password are created
 * in the broker's directory. The application gets the matching {@code kafka.security.protocol},
 * {@code kafka.sasl.*} and {@code kafka.ssl.truststore.*} settings, like it would in production.
 */
final class DevBrokerSecurity {

    static final String USER = "kafka-events";
    static final String MECHANISM = "SCRAM-SHA-512";
    static final String LISTENER = "SASL_SSL";
    private static final String FILE = "security.properties";
    private static final String KEYSTORE = "broker-keystore.p12";
    private static final String TRUSTSTORE = "client-truststore.p12";

    private final Path dir;
    private final String password;
    private final String storePassword;

    private DevBrokerSecurity(Path dir, String password, String storePassword) {
        this.dir = dir;
        this.password = password;
        this.storePassword = storePassword;
    }

    /** Creates the certificate, the stores and the credentials in {@code dir}. */
    static DevBrokerSecurity create(Path dir) throws IOException {
        Files.createDirectories(dir);
        DevBrokerSecurity security = new DevBrokerSecurity(dir, secret(), secret());
        Path certificate = dir.resolve("broker.crt");
        security.keytool("-genkeypair", "-alias", "dev-broker", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", security.keystore().toString(),
                "-storepass", security.storePassword, "-keypass", security.storePassword);
        security.keytool("-exportcert", "-rfc", "-alias", "dev-broker", "-keystore", security.keystore().toString(),
                "-storepass", security.storePassword, "-file", certificate.toString());
        security.keytool("-importcert", "-noprompt", "-alias", "dev-broker", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", security.truststore().toString(),
                "-storepass", security.storePassword);
        Properties saved = new Properties();
        saved.setProperty("password", security.password);
        saved.setProperty("store-password", security.storePassword);
        try (OutputStream out = Files.newOutputStream(dir.resolve(FILE))) {
            saved.store(out, "Kafka Events dev broker credentials (generated, valid for this broker only)");
        }
        return security;
    }

    /** The material of a running broker, read back from its directory; {@code null} when it runs without it. */
    static DevBrokerSecurity load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties saved = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            saved.load(in);
        } catch (IOException e) {
            return null;
        }
        return new DevBrokerSecurity(dir, saved.getProperty("password"), saved.getProperty("store-password"));
    }

    Path keystore() {
        return dir.resolve(KEYSTORE);
    }

    Path truststore() {
        return dir.resolve(TRUSTSTORE);
    }

    /** Turns the node's client listener into a SCRAM-over-TLS listener, also used between the brokers. */
    void configure(Properties props, int clientPort, int controllerPort) {
        props.setProperty("listeners", LISTENER + "://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:"
                + controllerPort);
        props.setProperty("advertised.listeners", LISTENER + "://127.0.0.1:" + clientPort);
        props.setProperty("inter.broker.listener.name", LISTENER);
        props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT," + LISTENER + ":" + LISTENER);
        props.setProperty("sasl.enabled.mechanisms", MECHANISM);
        props.setProperty("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas());
        props.setProperty("ssl.keystore.type", "PKCS12");
        props.setProperty("ssl.keystore.location", keystore().toString());
        props.setProperty("ssl.keystore.password", storePassword);
        props.setProperty("ssl.key.password", storePassword);
        props.setProperty("ssl.truststore.type", "PKCS12");
        props.setProperty("ssl.truststore.location", truststore().toString());
        props.setProperty("ssl.truststore.password", storePassword);
        // read by the launcher: the user exists from the first start on, before any SASL connection
        props.setProperty(DevBrokerMain.SCRAM_CREDENTIALS, MECHANISM + "=[name=" + USER + ",password=" + password + "]");
    }

    /** The client settings the application gets, next to {@code kafka.bootstrap.servers}. */
    Map<String, String> clientConfig() {
        Map<String, String> config = new TreeMap<>();
        config.put("kafka.security.protocol", LISTENER);
        config.put("kafka.sasl.mechanism", MECHANISM);
        config.put("kafka.sasl.jaas.config", jaas());
        config.put("kafka.ssl.truststore.type", "PKCS12");
        config.put("kafka.ssl.truststore.location", truststore().toString());
        config.put("kafka.ssl.truststore.password", storePassword);
        return config;
    }

    private String jaas() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed creating the dev broker's TLS material in " + dir
                        + ": " + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while creating the dev broker's TLS material", e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
