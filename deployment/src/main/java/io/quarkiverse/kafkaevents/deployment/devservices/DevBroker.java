package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.quarkus.deployment.builditem.Startable;

/**
 * A real Apache Kafka broker (KRaft combined mode, single node) running in a child JVM.
 * <p>
 * <b>One broker per JVM.</b> Quarkus creates a new deployment class loader for each application it builds in a JVM
 * (each test profile, each dev-mode restart), so nothing of this class survives from one build to the next. The
 * running broker is therefore registered in a system property, the one place every class loader sees: its pid,
 * address and settings. A later start with equal settings adopts the running broker; one with other settings stops
 * it and starts a new one. The {@link Process} object stays reachable from the JDK's process reaper for as long as the
 * broker runs, so its standard-input pipe stays open.
 * <p>
 * <b>No orphans.</b> The broker watches its standard input, whose other end only this JVM holds: when this JVM exits,
 * however it exits ({@code kill -9} included), the operating system closes the pipe and the broker shuts down by
 * itself.
 */
public final class DevBroker implements Startable {

    private static final Logger LOG = Logger.getLogger(DevBroker.class);

    static final String READY_MARKER = "KAFKA-EVENTS-DEV-BROKER-READY";
    static final String FAILED_MARKER = "KAFKA-EVENTS-DEV-BROKER-FAILED";
    /** A system property that marks the broker process in process listings. */
    static final String PROCESS_MARKER = "-Dquarkus.kafka-events.dev-broker=true";
    private static final int OUTPUT_LINES_KEPT = 40;
    private static final int LOG_LINES_SHOWN = 30;

    /**
     * System property holding {@code pid|bootstrap servers|settings key} of the broker running for this JVM. Outside
     * the {@code quarkus.} namespace, so configuration validation does not flag it.
     */
    static final String RUNNING_BROKER = "io.quarkiverse.kafkaevents.dev-broker.running";

    private final DevBrokerSettings settings;
    private final Path cacheDir;
    private Process process;
    private long pid = -1;
    private Path workDir;
    private String bootstrapServers;
    private long readyMillis;
    private boolean adopted;

    public DevBroker(DevBrokerSettings settings, Path cacheDir) {
        this.settings = settings;
        this.cacheDir = cacheDir;
    }

    @Override
    public void start() {
        long begin = System.nanoTime();
        if (adoptRunningBroker()) {
            readyMillis = (System.nanoTime() - begin) / 1_000_000;
            return;
        }
        launch();
        pid = process.pid();
        readyMillis = (System.nanoTime() - begin) / 1_000_000;
        System.setProperty(RUNNING_BROKER, pid + "|" + bootstrapServers + "|" + settingsKey());
    }

    /**
     * Reuses the broker started by an earlier build of this JVM when it runs with the same settings; stops it when the
     * settings changed.
     */
    private boolean adoptRunningBroker() {
        String running = System.getProperty(RUNNING_BROKER);
        if (running == null) {
            return false;
        }
        String[] parts = running.split("\\|", 3);
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0])).filter(ProcessHandle::isAlive);
        if (handle.isPresent() && parts.length == 3 && parts[2].equals(settingsKey())) {
            pid = handle.get().pid();
            bootstrapServers = parts[1];
            adopted = true;
            LOG.debugf("Reusing the dev broker %s (pid %d)", bootstrapServers, pid);
            return true;
        }
        handle.ifPresent(h -> {
            LOG.infof("Stopping the dev broker %s (pid %d): its settings changed", parts[1], h.pid());
            stop(h, null);
        });
        System.clearProperty(RUNNING_BROKER);
        return false;
    }

    private String settingsKey() {
        return Integer.toHexString(settings.toString().hashCode());
    }

    private void launch() {
        String java = javaBinary();
        List<Path> classpath = DevBrokerClasspath.resolve(cacheDir, settings.kafkaVersion());
        int port = brokerPort();
        int controllerPort = freePort();
        try {
            workDir = Files.createTempDirectory("kafka-events-dev-broker-");
            Path dataDir = workDir.resolve("data");
            Path propertiesFile = workDir.resolve("server.properties");
            Properties props = serverProperties(port, controllerPort, dataDir);
            try (OutputStream out = Files.newOutputStream(propertiesFile)) {
                props.store(out, "Kafka Events for Quarkus dev broker");
            }

            List<String> command = new ArrayList<>();
            command.add(java);
            // first, so that tools reading a truncated command line still recognise the process
            command.add(PROCESS_MARKER);
            command.add("-Xmx" + settings.heap());
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Xss512k");
            command.add("-Djava.awt.headless=true");
            command.add("-Dorg.slf4j.simpleLogger.logFile=" + workDir.resolve("broker.log"));
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + settings.logLevel().toLowerCase());
            command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
            addClassDataSharing(command, classpath);
            command.addAll(settings.jvmOptions());
            command.add("-cp");
            command.add(joinClasspath(classpath));
            command.add(DevBrokerClasspath.MAIN_CLASS);
            command.add(propertiesFile.toString());

            LOG.debugf("Starting the dev broker: %s", command);
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the dev broker process with " + java, e);
        }

        CompletableFuture<String> ready = new CompletableFuture<>();
        Deque<String> output = new ArrayDeque<>();
        Thread reader = new Thread(() -> readOutput(ready, output), "kafka-events-dev-broker-output");
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("the broker process exited with code " + process.exitValue())));

        try {
            bootstrapServers = ready.get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failStart("interrupted", output);
        } catch (TimeoutException e) {
            failStart("not ready after " + settings.startTimeout().toSeconds()
                    + "s (quarkus.kafka-events.devservices.start-timeout)", output);
        } catch (ExecutionException e) {
            failStart(e.getCause().getMessage(), output);
        }
    }

    private void readOutput(CompletableFuture<String> ready, Deque<String> output) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(READY_MARKER)) {
                    ready.complete(line.substring(READY_MARKER.length()).trim().replace("PLAINTEXT://", ""));
                } else if (line.startsWith(FAILED_MARKER)) {
                    ready.completeExceptionally(
                            new IllegalStateException(line.substring(FAILED_MARKER.length()).trim()));
                }
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.removeFirst();
                    }
                }
                LOG.debugf("[dev broker] %s", line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private void failStart(String reason, Deque<String> output) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder message = new StringBuilder("The Kafka Events dev broker did not start: ").append(reason)
                .append(".\n  Working directory (data, server.properties, broker.log): ").append(workDir);
        List<String> out;
        synchronized (output) {
            out = new ArrayList<>(output);
        }
        if (!out.isEmpty()) {
            message.append("\n  Process output (last lines):");
            for (String line : out) {
                message.append("\n    ").append(line);
            }
        }
        List<String> log = tail(workDir.resolve("broker.log"), LOG_LINES_SHOWN);
        if (!log.isEmpty()) {
            message.append("\n  broker.log (last lines):");
            for (String line : log) {
                message.append("\n    ").append(line);
            }
        }
        message.append("\n  To use another broker, set kafka.bootstrap.servers;"
                + " to start none, set quarkus.kafka-events.devservices.enabled=false.");
        throw new IllegalStateException(message.toString());
    }

    private Properties serverProperties(int port, int controllerPort, Path dataDir) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.setProperty("log.dirs", dataDir.toString());
        props.setProperty("num.partitions", Integer.toString(settings.partitions()));
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "5");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // the default 128 MiB dedupe buffer dominates the broker's memory
        props.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        props.setProperty("auto.create.topics.enable", "true");
        for (Map.Entry<String, String> e : settings.brokerProperties().entrySet()) {
            props.setProperty(e.getKey(), e.getValue());
        }
        props.setProperty("kafka-events.dev-broker.delete-on-exit", workDir.toString());
        return props;
    }

    /**
     * AppCDS: the first start records the loaded classes into an archive when the broker exits; later starts map
     * it, which cuts start-up time by about a third. The archive is tied to the JDK and the class path, both part of
     * its name.
     */
    private void addClassDataSharing(List<String> command, List<Path> classpath) {
        if (!settings.classDataSharing()) {
            return;
        }
        String key = Integer.toHexString((javaBinary() + System.getProperty("java.vm.version") + classpath
                + settings.jvmOptions() + settings.heap()).hashCode());
        Path archive = cacheDir.resolve("dev-broker-" + key + ".jsa");
        // an unusable archive (other JDK, damaged file) is ignored by the JVM; the logs keep quiet about it
        command.add(Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive
                : "-XX:ArchiveClassesAtExit=" + archive);
        command.add("-Xlog:cds=off");
        command.add("-Xlog:cds+dynamic=off");
    }

    private int brokerPort() {
        if (settings.port().isEmpty()) {
            return freePort();
        }
        int port = settings.port().getAsInt();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " (quarkus.kafka-events.devservices.port) is already in use"
                    + " on 127.0.0.1, so the dev broker cannot listen on it. Choose another port, or remove the setting"
                    + " to let the dev broker pick a free one.");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on 127.0.0.1 for the dev broker", e);
        }
    }

    private String javaBinary() {
        if (settings.javaBinary() != null) {
            Path configured = Path.of(settings.javaBinary());
            if (configured.getNameCount() > 1 && !Files.isExecutable(configured)) {
                throw new IllegalStateException("The Java binary " + configured
                        + " (quarkus.kafka-events.devservices.java-binary) does not exist or is not executable;"
                        + " the dev broker needs a Java 17+ launcher.");
            }
            return settings.javaBinary();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase().contains("win") ? "java.exe" : "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("No Java binary found at " + java + " to run the dev broker. Set"
                    + " quarkus.kafka-events.devservices.java-binary to the path of a Java 17+ launcher.");
        }
        return java.toString();
    }

    private static String joinClasspath(List<Path> entries) {
        StringBuilder sb = new StringBuilder();
        for (Path entry : entries) {
            if (sb.length() > 0) {
                sb.append(java.io.File.pathSeparatorChar);
            }
            sb.append(entry);
        }
        return sb.toString();
    }

    private static List<String> tail(Path file, int lines) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** The bootstrap address, {@code 127.0.0.1:port}. */
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

    long pid() {
        return pid;
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
        LOG.debugf("Keeping the dev broker %s (pid %d) for later builds of this JVM", bootstrapServers, pid);
    }

    /**
     * Stops the broker now: closing its standard input makes it shut down cleanly; it is killed if it does not
     * finish in time.
     */
    public void stop() {
        if (pid < 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> stop(h, process));
        if (!adopted && (pid + "|").equals(pidPrefix(System.getProperty(RUNNING_BROKER)))) {
            System.clearProperty(RUNNING_BROKER);
        }
        deleteRecursively(workDir);
    }

    private static String pidPrefix(String running) {
        return running == null ? null : running.substring(0, running.indexOf('|') + 1);
    }

    private static void stop(ProcessHandle handle, Process process) {
        try {
            if (process != null && process.pid() == handle.pid()) {
                process.getOutputStream().close();
            } else {
                handle.destroy();
            }
        } catch (IOException ignored) {
            handle.destroy();
        }
        try {
            handle.onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warnf("The dev broker (pid %d) did not stop within 20s, killing it", handle.pid());
            handle.destroyForcibly();
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
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
