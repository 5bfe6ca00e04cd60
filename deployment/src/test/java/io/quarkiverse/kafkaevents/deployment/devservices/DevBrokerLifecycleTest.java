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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

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
    void clusterNodesRestartedOrNotExitWhenTheirParentIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OrphanParentMain.class.getName(), cacheDir.toString(), "3")
                .redirectErrorStream(true)
                .start();
        List<Long> pids = List.of();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            Path dir = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("CLUSTER ")) {
                    String[] parts = line.split(" ");
                    pids = Arrays.stream(parts[1].split(",")).map(Long::valueOf).toList();
                    dir = Path.of(parts[2]);
                    break;
                }
            }
            assertEquals(3, pids.size(), "the parent did not report three running nodes");
            for (long pid : pids) {
                assertTrue(pid > 0 && ProcessHandle.of(pid).map(DevBrokerProcesses::isDevBroker).orElse(false),
                        "node pid " + pid + " is not a running dev broker: " + pids);
            }

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pids.stream().anyMatch(DevBrokerLifecycleTest::alive) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), pids.stream().filter(DevBrokerLifecycleTest::alive).toList(),
                    "nodes that outlived their killed parent (node 2 was restarted by it)");
            while (Files.exists(dir) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(Files.exists(dir), "the nodes left their directory behind: " + dir);
        } finally {
            parent.destroyForcibly();
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void stopStopsEveryNodeIncludingARestartedOne() {
        DevBroker broker = new DevBroker(settings(OptionalInt.empty(), null, Map.of()).withNodes(2), cacheDir);
        try {
            broker.start();
            assertEquals(2, broker.getConnectionInfo().split(",").length, broker.getConnectionInfo());
            DevBrokerCluster cluster = DevBrokerCluster.at(broker.workDir());
            DevBrokerCluster.Node node = cluster.node(2);
            long before = node.pid();
            node.kill();
            assertFalse(node.isRunning());
            assertFalse(alive(before));
            assertTrue(Files.isDirectory(node.dataDir()), "a killed node keeps its data");
            node.start(Duration.ofSeconds(60));
            assertTrue(node.isRunning());
            assertTrue(node.pid() != before);
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> node.start(Duration.ofSeconds(60)));
            assertTrue(twice.getMessage().contains("node 2 runs already"), twice.getMessage());
        } finally {
            broker.stop();
        }
        assertEquals(List.of(), DevBrokerProcesses.children(), "stop() left nodes running");
        assertFalse(Files.exists(broker.workDir()), "stop() left the directory behind");
    }

    @Test
    void clusterThatCannotStartNamesTheNodeAndShowsItsFiles() {
        DevBroker broker = new DevBroker(
                settings(OptionalInt.empty(), null, Map.of("num.network.threads", "not-a-number")).withNodes(2),
                cacheDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
        String message = e.getMessage();
        DevBroker.deleteRecursively(broker.workDir());
        assertTrue(message.matches("(?s)The Kafka Events dev broker did not start: node [12] of 2: .*"), message);
        assertTrue(message.contains("num.network.threads"), message);
        assertTrue(message.contains(broker.workDir().resolve("node-").toString()), message);
        assertEquals(List.of(), DevBrokerProcesses.children(), "failed nodes must not be left running");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
