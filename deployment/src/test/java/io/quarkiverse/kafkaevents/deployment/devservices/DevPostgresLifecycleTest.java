package io.quarkiverse.kafkaevents.deployment.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev PostgreSQL process itself, without Quarkus: a real server that never outlives its parent, even when the
 * parent is killed with SIGKILL: no {@code postgres} process of it remains and its data directory is gone.
 */
public class DevPostgresLifecycleTest {

    @TempDir
    Path cacheDir;

    @Test
    void postgresStopsAndItsDataGoesWhenItsParentIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OrphanPostgresParentMain.class.getName(), cacheDir.toString())
                .redirectErrorStream(true)
                .start();
        long launcherPid = -1;
        try {
            String[] ready = readyLine(parent).get(120, TimeUnit.SECONDS).split(" ");
            launcherPid = Long.parseLong(ready[1]);
            String url = ready[2];
            Path workDir = Path.of(ready[3]);
            System.out.println("dev PostgreSQL ready in " + ready[4] + " ms; processes: " + processes(workDir));

            try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT 1")) {
                assertTrue(result.next());
                assertEquals(1, result.getInt(1));
            }
            List<ProcessHandle> postgres = processes(workDir);
            assertFalse(postgres.isEmpty(), "no postgres process runs on " + workDir);
            ProcessHandle launcher = ProcessHandle.of(launcherPid).orElseThrow();
            System.out.println("RSS (kB): launcher " + rss(launcherPid) + ", postgres "
                    + postgres.stream().mapToLong(p -> rss(p.pid())).sum() + " in " + postgres.size() + " processes");

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((launcher.isAlive() || postgres.stream().anyMatch(ProcessHandle::isAlive) || Files.exists(workDir))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(launcher.isAlive(), "the launcher outlived its killed parent");
            assertTrue(postgres.stream().noneMatch(ProcessHandle::isAlive),
                    "postgres processes outlived the killed parent: " + processes(workDir));
            assertTrue(processes(workDir).isEmpty(), "postgres processes remain: " + processes(workDir));
            assertFalse(Files.exists(workDir), "the data directory remains: " + workDir);
        } finally {
            parent.destroyForcibly();
            if (launcherPid > 0) {
                ProcessHandle.of(launcherPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static CompletableFuture<String> readyLine(Process parent) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder seen = new StringBuilder();
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("POSTGRES ")) {
                        ready.complete(line);
                    } else if (!ready.isDone()) {
                        seen.append(line).append('\n');
                    }
                }
                ready.completeExceptionally(new AssertionError("the parent exited without a server:\n" + seen));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "orphan-postgres-parent-output");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    /** The PostgreSQL processes (postmaster and its workers) whose command line names the server's directory. */
    private static List<ProcessHandle> processes(Path workDir) {
        List<ProcessHandle> postmasters = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(workDir.toString())).orElse(false))
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .toList();
        return postmasters.stream()
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .toList();
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }
}
