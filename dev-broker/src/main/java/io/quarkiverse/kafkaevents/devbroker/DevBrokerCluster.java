package io.quarkiverse.kafkaevents.devbroker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The dev broker of the running application, seen from a test: its nodes, their processes and data, and the means to
 * kill, stop and start one of them for real.
 * <p>
 * The dev broker keeps everything in one directory, published to the application as the configuration value
 * {@value #DIR_PROPERTY} (and set as a system property of the JVM that started it). Each node has a subdirectory
 * {@code node-<id>} with its {@code server.properties}, its data ({@code data/}), its log ({@code broker.log}), the
 * pid of its process ({@code broker.pid}) and the command line it was started with ({@code launch.args}).
 * <p>
 * A fault test typically kills the leader of a partition, checks what it needs while the node is down, then starts it
 * again with its data and waits for it to catch up:
 *
 * <pre>
 * DevBrokerCluster.Node node = DevBrokerCluster.current().node(leaderId);
 * node.kill(); // SIGKILL, no clean shutdown
 * // ... the cluster elects another leader ...
 * node.start(Duration.ofSeconds(60)); // same server.properties, same data directory
 * </pre>
 *
 * A node started this way is a child of the calling JVM and stops when it exits; the dev broker also stops it with the
 * others.
 */
public final class DevBrokerCluster {

    /** Configuration key and system property holding the dev broker's directory. */
    public static final String DIR_PROPERTY = "kafka-events.dev-broker.dir";
    /** The JVM option that marks dev broker processes in process listings. */
    public static final String PROCESS_MARKER = "-Dquarkus.kafka-events.dev-broker=true";

    /** Prefix of the node directories, followed by the node id. */
    public static final String NODE_DIR_PREFIX = "node-";
    public static final String SERVER_PROPERTIES = "server.properties";
    public static final String DATA_DIR = "data";
    public static final String LOG_FILE = "broker.log";
    public static final String PID_FILE = "broker.pid";
    public static final String LAUNCH_ARGS = "launch.args";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;

    private DevBrokerCluster(Path dir) {
        this.dir = dir;
    }

    /**
     * The dev broker started by this JVM, as in {@code @QuarkusTest} and {@code QuarkusUnitTest} tests.
     *
     * @throws IllegalStateException when this JVM runs no dev broker
     */
    public static DevBrokerCluster current() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new IllegalStateException("No Kafka Events dev broker runs for this JVM (system property " + DIR_PROPERTY
                    + " is " + (dir == null ? "not set" : "a missing directory: " + dir) + "). Leave"
                    + " kafka.bootstrap.servers unset so that the extension starts one, or use"
                    + " DevBrokerCluster.at(dir) with the value of the configuration property " + DIR_PROPERTY + ".");
        }
        return new DevBrokerCluster(Path.of(dir));
    }

    /** The dev broker whose directory is given (the configuration value {@value #DIR_PROPERTY} of the application). */
    public static DevBrokerCluster at(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Not a dev broker directory: " + dir);
        }
        return new DevBrokerCluster(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The nodes, by id. */
    public List<Node> nodes() {
        try (Stream<Path> children = Files.list(dir)) {
            return children
                    .filter(p -> p.getFileName().toString().matches(NODE_DIR_PREFIX + "\\d+"))
                    .map(p -> new Node(Integer.parseInt(p.getFileName().toString().substring(NODE_DIR_PREFIX.length())),
                            p))
                    .sorted(Comparator.comparingInt(Node::id))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the dev broker nodes in " + dir, e);
        }
    }

    /**
     * The node with the given id ({@code node.id}, the broker id Kafka clients see in metadata: 1 to the number of
     * nodes).
     */
    public Node node(int id) {
        Path nodeDir = dir.resolve(NODE_DIR_PREFIX + id);
        if (!Files.isDirectory(nodeDir)) {
            throw new IllegalArgumentException("The dev broker in " + dir + " has no node " + id + "; its nodes: "
                    + nodes().stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(", ")));
        }
        return new Node(id, nodeDir);
    }

    /** The bootstrap addresses of all nodes, comma separated: the application's {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes().stream().map(Node::bootstrapServer).collect(Collectors.joining(","));
    }

    /** Whether the process is a dev broker node (guards against a reused pid). */
    public static boolean isDevBroker(ProcessHandle handle) {
        return handle.isAlive() && handle.info().commandLine().map(c -> c.contains(PROCESS_MARKER)).orElse(false);
    }

    @Override
    public String toString() {
        return "DevBrokerCluster" + nodes();
    }

    /**
     * One KRaft node (broker and controller) of the dev broker.
     */
    public static final class Node {

        private final int id;
        private final Path dir;

        Node(int id, Path dir) {
            this.id = id;
            this.dir = dir;
        }

        /** The node id, as in {@code node.id} and in the leader and ISR lists of Kafka's metadata. */
        public int id() {
            return id;
        }

        /** The node's directory: {@code server.properties}, {@code data/}, {@code broker.log}, ... */
        public Path dir() {
            return dir;
        }

        /** The node's data ({@code log.dirs}), kept when it is killed or stopped. */
        public Path dataDir() {
            return dir.resolve(DATA_DIR);
        }

        public Path serverProperties() {
            return dir.resolve(SERVER_PROPERTIES);
        }

        public Path log() {
            return dir.resolve(LOG_FILE);
        }

        /** The node's client address, {@code 127.0.0.1:port}. */
        public String bootstrapServer() {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(serverProperties(), StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + serverProperties(), e);
            }
            return props.getProperty("advertised.listeners", "").replace("PLAINTEXT://", "");
        }

        /** The node's process, when it runs. */
        public Optional<ProcessHandle> process() {
            Path pidFile = dir.resolve(PID_FILE);
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            try {
                long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
                return ProcessHandle.of(pid).filter(DevBrokerCluster::isDevBroker);
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** The pid of the node's process, or -1 when it does not run. */
        public long pid() {
            return process().map(ProcessHandle::pid).orElse(-1L);
        }

        public boolean isRunning() {
            return process().isPresent();
        }

        /**
         * Kills the node's process with SIGKILL, as a crash would: no clean shutdown, the data stays as it is. Returns
         * once the process is gone (within 10 seconds). Does nothing when the node does not run.
         */
        public void kill() {
            process().ifPresent(p -> {
                p.destroyForcibly();
                await(p, KILL_TIMEOUT);
            });
        }

        /**
         * Stops the node cleanly (SIGTERM) and returns once the process is gone; kills it if it takes more than 20
         * seconds. Does nothing when the node does not run.
         */
        public void stop() {
            process().ifPresent(p -> {
                p.destroy();
                if (!await(p, STOP_TIMEOUT)) {
                    p.destroyForcibly();
                    await(p, KILL_TIMEOUT);
                }
            });
        }

        /**
         * Starts the node again, with the command line, {@code server.properties} and data it had, and waits until it
         * accepts connections. The node rejoins the cluster and catches up on what it missed.
         *
         * @param timeout how long to wait for the node to be ready
         * @throws IllegalStateException when the node runs already or does not become ready in time (the message
         *         shows its output and the end of {@code broker.log}); a node that failed is killed
         */
        public void start(Duration timeout) {
            Optional<ProcessHandle> running = process();
            if (running.isPresent()) {
                throw new IllegalStateException("Dev broker node " + id + " runs already (pid " + running.get().pid()
                        + ")");
            }
            DevBrokerNodeProcess launched = DevBrokerNodeProcess.launch(id, dir, line -> {
            });
            String failure;
            try {
                launched.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            } catch (TimeoutException e) {
                failure = "not ready after " + timeout.toSeconds() + "s";
            } catch (ExecutionException e) {
                failure = e.getCause().getMessage();
            }
            launched.process().destroyForcibly();
            await(launched.process().toHandle(), KILL_TIMEOUT);
            throw new IllegalStateException("Dev broker node " + id + " did not start again: " + failure
                    + ".\n  Node directory: " + dir + "\n  Process output (last lines):\n    "
                    + String.join("\n    ", launched.outputTail()) + "\n  broker.log (last lines):\n    "
                    + String.join("\n    ", tail(log(), 30)));
        }

        @Override
        public String toString() {
            return "node " + id + " (" + bootstrapServer() + ", pid " + pid() + ")";
        }
    }

    private static boolean await(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of a text file; none when it cannot be read. */
    public static List<String> tail(Path file, int lines) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
