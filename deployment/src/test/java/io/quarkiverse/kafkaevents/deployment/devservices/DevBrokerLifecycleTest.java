package io.quarkiverse.kafkaevents.deployment.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev broker process itself, without Quarkus: it never outlives its parent and fails with messages that say what
 * to do.
 */
public class DevBrokerLifecycleTest {

    @TempDir
    Path cacheDir;

    @Test
    void brokerExitsWhenItsParentIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OrphanParentMain.class.getName(), cacheDir.toString())
                .redirectErrorStream(true)
                .start();
        long brokerPid = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("BROKER ")) {
                    brokerPid = Long.parseLong(line.split(" ")[1]);
                    break;
                }
            }
            assertTrue(brokerPid > 0, "the parent did not report a running broker");
            Optional<ProcessHandle> broker = ProcessHandle.of(brokerPid);
            assertTrue(broker.isPresent() && broker.get().isAlive());
            assertTrue(DevBrokerProcesses.isDevBroker(broker.get()));

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (broker.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(broker.get().isAlive(), "the broker outlived its killed parent");
        } finally {
            parent.destroyForcibly();
            if (brokerPid > 0) {
                ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void configuredPortAlreadyTakenIsReportedByName() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DevBroker broker = new DevBroker(settings(OptionalInt.of(taken.getLocalPort()), null, Map.of()),
                    cacheDir);
            IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
            assertTrue(e.getMessage().contains("Port " + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("quarkus.kafka-events.devservices.port"), e.getMessage());
        }
    }

    @Test
    void missingJavaBinaryIsReportedByName() throws Exception {
        DevBroker broker = new DevBroker(settings(OptionalInt.empty(), "/no/such/jdk/bin/java", Map.of()),
                cacheDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
        assertTrue(e.getMessage().contains("/no/such/jdk/bin/java"), e.getMessage());
        assertTrue(e.getMessage().contains("quarkus.kafka-events.devservices.java-binary"), e.getMessage());
    }

    @Test
    void brokerThatCannotStartShowsWhyAndWhereItsFilesAre() throws Exception {
        DevBroker broker = new DevBroker(
                settings(OptionalInt.empty(), null, Map.of("num.network.threads", "not-a-number")),
                cacheDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
        String message = e.getMessage();
        assertTrue(message.contains(broker.workDir().toString()), message);
        DevBroker.deleteRecursively(broker.workDir());
        assertTrue(message.startsWith("The Kafka Events dev broker did not start"), message);
        assertTrue(message.contains("num.network.threads"), message);
        assertTrue(message.contains("Working directory"), message);
        assertEquals(List.of(), DevBrokerProcesses.children(), "a failed broker must not be left running");
    }

    private static DevBrokerSettings settings(OptionalInt port, String javaBinary, Map<String, String> props) {
        return new DevBrokerSettings("4.1.1", port, "128m", List.of(), javaBinary, props, 1, "INFO",
                Duration.ofSeconds(60), false);
    }
}
