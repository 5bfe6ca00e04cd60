package io.quarkiverse.kafkaevents.devbroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * Entry point of the dev broker process.
 * <p>
 * Usage: {@code DevBrokerMain <server.properties>}. The process formats the KRaft storage of the directory named by
 * {@code log.dirs} when it is not formatted yet, starts a KRaft node in combined (broker + controller) mode (alone, or
 * one of the static voters of a small cluster), and prints {@value #READY_MARKER} followed by the bootstrap address on
 * standard output once the broker accepts connections. It stops when its standard input is closed (which is what
 * happens when the parent process dies, even with {@code kill -9}), when the parent process is no longer alive, or on
 * SIGTERM.
 * <p>
 * This class is run in its own JVM with the broker jars on the class path: it must only use JDK and Kafka classes.
 */
public final class DevBrokerMain {

    /** First token of the line printed once the broker is ready. */
    public static final String READY_MARKER = "KAFKA-EVENTS-DEV-BROKER-READY";
    /** First token of the line printed when the broker could not start. */
    public static final String FAILED_MARKER = "KAFKA-EVENTS-DEV-BROKER-FAILED";
    /**
     * Property (in the server properties file, not passed to Kafka) naming a directory to delete when the broker exits
     * after a successful start: the temporary working directory.
     */
    public static final String DELETE_ON_EXIT = "kafka-events.dev-broker.delete-on-exit";
    /**
     * Property naming a directory to delete only when the broker exits because its parent went away (after a
     * successful start). A node of a cluster keeps its data when it is merely stopped (SIGTERM), so that it can be
     * started again. When the parent goes away the node does not shut down cleanly: its data is discarded anyway, and
     * nodes of a cluster stopping together would wait for a controller quorum that is gone. It deletes the directory
     * and halts.
     */
    public static final String DELETE_WHEN_ORPHANED = "kafka-events.dev-broker.delete-when-orphaned";
    /**
     * Property holding the KRaft cluster id to format the storage with; every node of a cluster needs the same one.
     * A random id is used when it is absent.
     */
    public static final String CLUSTER_ID = "kafka-events.dev-broker.cluster-id";
    /**
     * Property holding SCRAM credentials to store when the storage is formatted, in the form the storage tool takes
     * ({@code SCRAM-SHA-512=[name=<user>,password=<password>]}): the users exist before the broker takes its first
     * SASL connection.
     */
    public static final String SCRAM_CREDENTIALS = "kafka-events.dev-broker.scram-credentials";
    /** Property naming a file the process writes its pid into once the broker is ready. */
    public static final String PID_FILE = "kafka-events.dev-broker.pid-file";

    private DevBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args.length != 1) {
            out.println(FAILED_MARKER + " usage: DevBrokerMain <server.properties>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        String deleteOnExit = (String) props.remove(DELETE_ON_EXIT);
        String deleteWhenOrphaned = (String) props.remove(DELETE_WHEN_ORPHANED);
        String clusterId = (String) props.remove(CLUSTER_ID);
        String pidFile = (String) props.remove(PID_FILE);
        String scram = (String) props.remove(SCRAM_CREDENTIALS);
        Path dataDir = Paths.get(props.getProperty("log.dirs"));

        KafkaRaftServer server;
        try {
            format(props, dataDir, clusterId == null ? Uuid.randomUuid().toString() : clusterId, scram);
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        } catch (Throwable e) {
            out.println(FAILED_MARKER + " " + e);
            e.printStackTrace(out);
            System.exit(1);
            return;
        }

        // set once the broker runs; a broker that failed to start keeps its directory for inspection
        AtomicBoolean started = new AtomicBoolean();
        Thread shutdown = new Thread(() -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                if (deleteOnExit != null && started.get()) {
                    deleteRecursively(Paths.get(deleteOnExit));
                }
            }
        }, "dev-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        try {
            server.startup();
        } catch (Throwable e) {
            out.println(FAILED_MARKER + " " + e);
            e.printStackTrace(out);
            System.exit(1);
            return;
        }
        started.set(true);
        if (pidFile != null) {
            Files.writeString(Paths.get(pidFile), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        }
        watchParent(deleteWhenOrphaned == null ? null : Paths.get(deleteWhenOrphaned));
        out.println(READY_MARKER + " " + props.getProperty("advertised.listeners"));
        out.flush();
        server.awaitShutdown();
    }

    /**
     * Formats the storage directory unless it has been formatted before (a restarted broker keeps its data).
     */
    private static void format(Properties props, Path dataDir, String clusterId, String scram) throws Exception {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        Files.createDirectories(dataDir);
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(Integer.parseInt(props.getProperty("node.id")))
                .setClusterId(clusterId)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName(props.getProperty("controller.listener.names"))
                .setMetadataLogDirectory(Optional.of(dataDir.toString()))
                .setDirectories(List.of(dataDir.toString()))
                .setScramArguments(scram == null ? List.of() : List.of(scram))
                .run();
    }

    /**
     * Exits the JVM when the parent goes away. Two signals are watched: end of standard input (the parent holds the
     * other end of the pipe; the operating system closes it whatever way the parent dies) and the parent process
     * handle, in case standard input was not a pipe.
     */
    private static void watchParent(Path discardWhenOrphaned) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        Thread stdin = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // treated as end of input
            }
            orphaned("standard input closed", discardWhenOrphaned);
        }, "dev-broker-stdin-watch");
        stdin.setDaemon(true);
        stdin.start();

        Thread poll = new Thread(() -> {
            while (true) {
                if (parent.isEmpty() || !parent.get().isAlive()) {
                    orphaned("parent process is gone", discardWhenOrphaned);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dev-broker-parent-watch");
        poll.setDaemon(true);
        poll.start();
    }

    private static synchronized void orphaned(String why, Path discard) {
        System.out.println("Dev broker stopping: " + why);
        if (discard != null) {
            deleteRecursively(discard);
            deleteIfEmpty(discard.getParent());
            Runtime.getRuntime().halt(0);
        }
        // a graceful exit runs the shutdown hook; halt if it does not complete in time
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ignored) {
            }
            Runtime.getRuntime().halt(3);
        }, "dev-broker-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }

    /** The cluster directory holding the nodes' directories goes with the last of them. */
    private static void deleteIfEmpty(Path dir) {
        try {
            if (dir != null) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException | RuntimeException ignored) {
            // not empty yet: another node still has its directory there
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: the directory is in the temporary area
        }
    }
}
