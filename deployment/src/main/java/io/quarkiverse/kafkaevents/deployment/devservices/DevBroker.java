package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerNodeProcess;
import io.quarkus.deployment.builditem.Startable;

/**
 * A real Apache Kafka broker, or a small cluster of them, in KRaft combined mode (every node is broker and
 * controller), each node in a child JVM.
 * <p>
 * <b>Layout.</b> Everything lives in one temporary directory (published as {@value DevBrokerCluster#DIR_PROPERTY}),
 * with a {@code node-<id>} directory per node; {@link DevBrokerCluster} reads it, and lets tests kill and restart
 * nodes.
 * <p>
 * <b>One broker per JVM.</b> Quarkus creates a new deployment class loader for each application it builds in a JVM
 * (each test profile, each dev-mode restart), so nothing of this class survives from one build to the next. The
 * running broker is therefore registered in a system property, the one place every class loader sees: the pid of node
 * 1, the addresses, the settings and the directory. A later start with equal settings adopts the running broker when
 * all its nodes run; otherwise it stops it and starts a new one. The {@link Process} objects stay reachable from the
 * JDK's process reaper for as long as the nodes run, so their standard-input pipes stay open.
 * <p>
 * <b>No orphans.</b> Every node watches its standard input, whose other end only this JVM holds: when this JVM exits,
 * however it exits ({@code kill -9} included), the operating system closes the pipe and the node shuts down by
 * itself.
 */
public final class DevBroker implements Startable {

    private static final Logger LOG = Logger.getLogger(DevBroker.class);

    /** A system property that marks the broker processes in process listings. */
    static final String PROCESS_MARKER = DevBrokerCluster.PROCESS_MARKER;
    private static final int LOG_LINES_SHOWN = 30;
    private static final int STOP_SECONDS = 20;

    /**
     * System property holding {@code pid of node 1|bootstrap servers|settings key|directory} of the broker running for
     * this JVM. Outside the {@code quarkus.} namespace, so configuration validation does not flag it.
     */
    static final String RUNNING_BROKER = "io.quarkiverse.kafkaevents.dev-broker.running";

    private final DevBrokerSettings settings;
    private final Path cacheDir;
    private final List<DevBrokerNodeProcess> launched = new ArrayList<>();
    private final AtomicReference<DevBrokerNodeProcess> firstFailed = new AtomicReference<>();
    private long pid = -1;
    private Path workDir;
    private String bootstrapServers;
    private long readyMillis;
    private boolean adopted;
    private DevBrokerSecurity security;

    public DevBroker(DevBrokerSettings settings, Path cacheDir) {
        this.settings = settings;
        this.cacheDir = cacheDir;
    }

    @Override
    public void start() {
        long begin = System.nanoTime();
        if (!adoptRunningBroker()) {
            launch();
            pid = launched.get(0).process().pid();
            System.setProperty(RUNNING_BROKER, pid + "|" + bootstrapServers + "|" + settingsKey() + "|" + workDir);
        }
        readyMillis = (System.nanoTime() - begin) / 1_000_000;
        System.setProperty(DevBrokerCluster.DIR_PROPERTY, workDir.toString());
    }

    /**
     * Reuses the broker started by an earlier build of this JVM when it runs with the same settings and all its nodes
     * run; stops it otherwise.
     */
    private boolean adoptRunningBroker() {
        String running = System.getProperty(RUNNING_BROKER);
        if (running == null) {
            return false;
        }
        String[] parts = running.split("\\|", 4);
        Path dir = parts.length == 4 ? Path.of(parts[3]) : null;
        String why;
        if (dir == null || !Files.isDirectory(dir)) {
            why = "its directory is gone";
        } else if (!(parts.length == 4 && parts[2].equals(settingsKey()))) {
            why = "its settings changed";
        } else {
            why = DevBrokerCluster.at(dir).nodes().stream().filter(n -> !n.isRunning())
                    .map(n -> "node " + n.id() + " is not running").findFirst().orElse(null);
        }
        if (why == null) {
            workDir = dir;
            bootstrapServers = parts[1];
            pid = DevBrokerCluster.at(dir).node(1).pid();
            adopted = true;
            LOG.debugf("Reusing the dev broker %s (%s)", bootstrapServers, dir);
            return true;
        }
        LOG.infof("Stopping the dev broker %s: %s", parts[1], why);
        stopNodes(dir, Long.parseLong(parts[0]), List.of());
        deleteRecursively(dir);
        System.clearProperty(RUNNING_BROKER);
        return false;
    }

    private String settingsKey() {
        return Integer.toHexString(settings.toString().hashCode());
    }

    private void launch() {
        DevBrokerCommand command = new DevBrokerCommand(settings, cacheDir);
        List<DevBrokerServerProperties.Ports> ports = DevBrokerPorts.choose(settings);
        String clusterId = DevBrokerServerProperties.clusterId();
        try {
            workDir = Files.createTempDirectory("kafka-events-dev-broker-");
            if (settings.saslSsl()) {
                security = DevBrokerSecurity.create(workDir.resolve("security"));
            }
            for (int id = 1; id <= settings.nodes(); id++) {
                Path nodeDir = workDir.resolve(DevBrokerCluster.NODE_DIR_PREFIX + id);
                Files.createDirectories(nodeDir);
                Properties props = DevBrokerServerProperties.forNode(settings, id, ports, nodeDir, clusterId,
                        security);
                try (OutputStream out = Files.newOutputStream(nodeDir.resolve(DevBrokerCluster.SERVER_PROPERTIES))) {
                    props.store(out, "Kafka Events for Quarkus dev broker, node " + id + " of " + settings.nodes());
                }
                List<String> args = command.forNode(nodeDir, id == 1);
                // what DevBrokerCluster.Node#start runs to start the node again
                Files.write(nodeDir.resolve(DevBrokerCluster.LAUNCH_ARGS),
                        DevBrokerCommand.withoutArchiveRecording(args), StandardCharsets.UTF_8);
                LOG.debugf("Starting dev broker node %d: %s", id, args);
                int nodeId = id;
                launched.add(DevBrokerNodeProcess.launch(id, nodeDir, args,
                        line -> LOG.debugf("[dev broker %d] %s", nodeId, line)));
            }
        } catch (IOException e) {
            failStart("could not prepare or start the broker processes: " + e);
        } catch (RuntimeException e) {
            failStart(e.getMessage());
        }
        awaitReady();
    }

    /**
     * Waits for every node, all started at once (a node of a cluster is ready only once a quorum of controllers
     * runs), and gives up as soon as one of them fails.
     */
    private void awaitReady() {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        CompletableFuture.allOf(launched.stream().map(DevBrokerNodeProcess::ready).toArray(CompletableFuture[]::new))
                .thenRun(() -> outcome.complete(null));
        for (DevBrokerNodeProcess node : launched) {
            node.ready().whenComplete((address, failure) -> {
                if (failure != null) {
                    firstFailed.compareAndSet(null, node);
                    outcome.completeExceptionally(failure);
                }
            });
        }
        try {
            outcome.get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failStart("interrupted");
        } catch (TimeoutException e) {
            failStart("not ready after " + settings.startTimeout().toSeconds()
                    + "s (quarkus.kafka-events.devservices.start-timeout)");
        } catch (ExecutionException e) {
            failStart(null);
        }
        bootstrapServers = launched.stream().map(node -> node.ready().join()).collect(Collectors.joining(","));
    }

    /**
     * Kills what was started and reports every node that is not ready: its error, directory, output and log.
     */
    private void failStart(String reason) {
        // before killing: a killed node reports its exit as a failure too
        List<DevBrokerNodeProcess> failed = new ArrayList<>(launched.stream()
                .filter(n -> n.ready().isCompletedExceptionally()).toList());
        DevBrokerNodeProcess first = firstFailed.get();
        if (first != null && failed.remove(first)) {
            failed.add(0, first);
        }
        for (DevBrokerNodeProcess node : launched) {
            node.process().destroyForcibly();
        }
        for (DevBrokerNodeProcess node : launched) {
            try {
                node.process().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> problems = new ArrayList<>();
        for (DevBrokerNodeProcess node : failed) {
            problems.add(failureOf(node));
        }
        if (reason != null) {
            problems.add(0, reason);
        }
        String prefix = settings.nodes() > 1 && !failed.isEmpty() && reason == null
                ? "node " + failed.get(0).nodeId() + " of " + settings.nodes() + ": "
                : "";
        StringBuilder message = new StringBuilder("The Kafka Events dev broker did not start: ").append(prefix)
                .append(problems.isEmpty() ? "unknown reason" : problems.get(0)).append('.');
        if (launched.isEmpty() && workDir != null) {
            message.append("\n  Working directory: ").append(workDir);
        }
        for (DevBrokerNodeProcess node : launched) {
            boolean nodeFailed = failed.contains(node);
            if (!nodeFailed && !failed.isEmpty()) {
                // waiting for the quorum the failed node belongs to: its own output says little
                message.append("\n  Node ").append(node.nodeId()).append(": not ready, stopped.");
                continue;
            }
            Path nodeDir = workDir.resolve(DevBrokerCluster.NODE_DIR_PREFIX + node.nodeId());
            if (settings.nodes() > 1) {
                message.append("\n  Node ").append(node.nodeId())
                        .append(nodeFailed ? ": " + failureOf(node) : ": not ready");
            }
            message.append("\n  Working directory (data, server.properties, broker.log): ").append(nodeDir);
            appendLines(message, "Process output (last lines):", node.outputTail());
            appendLines(message, "broker.log (last lines):",
                    DevBrokerCluster.tail(nodeDir.resolve(DevBrokerCluster.LOG_FILE), LOG_LINES_SHOWN));
        }
        message.append("\n  To use another broker, set kafka.bootstrap.servers;"
                + " to start none, set quarkus.kafka-events.devservices.enabled=false.");
        throw new IllegalStateException(message.toString());
    }

    private static String failureOf(DevBrokerNodeProcess node) {
        try {
            node.ready().join();
            return "ready";
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        }
    }

    private static void appendLines(StringBuilder message, String title, List<String> lines) {
        if (!lines.isEmpty()) {
            message.append("\n  ").append(title);
            for (String line : lines) {
                message.append("\n    ").append(line);
            }
        }
    }

    /** The bootstrap addresses of all nodes, {@code 127.0.0.1:port,...}. */
    @Override
    public String getConnectionInfo() {
        return bootstrapServers;
    }

    @Override
    public String getContainerId() {
        return null;
    }

    long readyMillis() {
        return readyMillis;
    }

    /** The pid of node 1. */
    long pid() {
        return pid;
    }

    /** The directory holding the nodes' directories. */
    /** The client security settings of a {@code sasl-ssl} broker; empty for plain connections. */
    Map<String, String> clientSecurity() {
        if (security == null && settings.saslSsl() && workDir != null) {
            security = DevBrokerSecurity.load(workDir.resolve("security"));
        }
        return security == null ? Map.of() : security.clientConfig();
    }

    Path workDir() {
        return workDir;
    }

    boolean adopted() {
        return adopted;
    }

    /**
     * Called by Quarkus when the application that started the broker shuts down. The broker is kept for the next
     * build of this JVM (see the class description); it stops when the JVM exits.
     */
    @Override
    public void close() {
        LOG.debugf("Keeping the dev broker %s (%s) for later builds of this JVM", bootstrapServers, workDir);
    }

    /**
     * Stops every node now, restarted ones included, and deletes the directory. Its data being discarded, no node
     * needs a clean shutdown (and nodes of a cluster stopping together could not have one: the controller quorum goes
     * with them): a node this object started sees its standard input closed, deletes its directory and halts; any
     * other node (one a test restarted) is killed.
     */
    public void stop() {
        if (workDir == null) {
            return;
        }
        stopNodes(workDir, pid, launched.stream().map(DevBrokerNodeProcess::process).toList());
        String running = System.getProperty(RUNNING_BROKER);
        if (running != null && running.endsWith("|" + workDir)) {
            System.clearProperty(RUNNING_BROKER);
        }
        if (workDir.toString().equals(System.getProperty(DevBrokerCluster.DIR_PROPERTY))) {
            System.clearProperty(DevBrokerCluster.DIR_PROPERTY);
        }
        deleteRecursively(workDir);
    }

    private static void stopNodes(Path dir, long fallbackPid, List<Process> owned) {
        List<ProcessHandle> stopping = new ArrayList<>();
        for (Process process : owned) {
            if (process.isAlive()) {
                try {
                    process.getOutputStream().close();
                } catch (IOException e) {
                    process.destroyForcibly();
                }
                stopping.add(process.toHandle());
            }
        }
        List<ProcessHandle> others = new ArrayList<>();
        if (dir != null && Files.isDirectory(dir)) {
            for (DevBrokerCluster.Node node : DevBrokerCluster.at(dir).nodes()) {
                node.process().ifPresent(others::add);
            }
        } else {
            ProcessHandle.of(fallbackPid).filter(DevBrokerCluster::isDevBroker).ifPresent(others::add);
        }
        for (ProcessHandle handle : others) {
            if (stopping.stream().noneMatch(h -> h.pid() == handle.pid())) {
                handle.destroyForcibly();
                stopping.add(handle);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
        for (ProcessHandle handle : stopping) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warnf("The dev broker node (pid %d) did not stop within %ds, killing it", handle.pid(), STOP_SECONDS);
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debugf("Could not delete %s: %s", dir, e);
        }
    }
}
