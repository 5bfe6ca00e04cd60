package io.quarkiverse.kafkaevents.deployment.security;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.StartupFailures;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A truststore that does not trust the {@code sasl-ssl} dev broker's certificate fails start-up with a message naming
 * the truststore settings.
 */
public class UntrustedCertificateTest {

    /** A valid PKCS12 truststore that trusts another self-signed certificate, not the broker's. */
    static final Path OTHER_TRUSTSTORE = otherTruststore();

    @EventTopic(value = "safes", domain = "secure")
    public record SafeClosed(@PartitionKey String id) {
    }

    public static class Safes {
        @EventHandler
        void on(SafeClosed safe) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(SafeClosed.class, Safes.class, StartupFailures.class))
            .overrideConfigKey("quarkus.application.name", "untrusted-test")
            .overrideConfigKey("quarkus.kafka-events.devservices.security", "sasl-ssl")
            .overrideConfigKey("quarkus.kafka-events.topics.timeout", "10s")
            .overrideConfigKey("kafka.ssl.truststore.location", OTHER_TRUSTSTORE.toString())
            .overrideConfigKey("kafka.ssl.truststore.password", "changeit")
            .assertException(failure -> {
                String messages = StartupFailures.messages(failure);
                assertTrue(messages.contains("TLS handshake")
                        && messages.contains("kafka.ssl.truststore.location"), messages);
            });

    @Test
    void startUpFails() {
        fail("the application must not start with a truststore that does not trust the broker");
    }

    private static Path otherTruststore() {
        try {
            Path dir = Files.createTempDirectory("kafka-events-other-ca");
            Path keystore = dir.resolve("other.p12");
            Path certificate = dir.resolve("other.crt");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-dname", "CN=localhost", "-ext",
                    "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass",
                    "changeit", "-keypass", "changeit");
            keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", keystore.toString(), "-storepass",
                    "changeit", "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "other", "-file", certificate.toString(), "-storetype",
                    "PKCS12", "-keystore", truststore.toString(), "-storepass", "changeit");
            for (Path file : new Path[] { keystore, certificate, truststore, dir }) {
                file.toFile().deleteOnExit();
            }
            return truststore;
        } catch (Exception e) {
            throw new IllegalStateException("could not create the test truststore", e);
        }
    }

    private static void keytool(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
