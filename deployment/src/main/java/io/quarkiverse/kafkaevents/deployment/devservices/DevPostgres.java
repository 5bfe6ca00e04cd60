package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.devpostgres.DevPostgresMain;
import io.quarkus.deployment.builditem.Startable;

/**
 * A real PostgreSQL server in a child JVM running {@link DevPostgresMain}.
 * <p>
 * <b>One server per JVM.</b> Like {@link DevBroker}, the running server is registered in a system property
 * ({@value #RUNNING}: {@code pid|jdbc url|settings key|directory}), the one place every deployment class loader sees,
 * so later builds of this JVM (other test classes, live reloads) adopt it while it runs with the same settings.
 * <p>
 * <b>No orphans.</b> The launcher watches its standard input, whose other end only this JVM holds: when this JVM exits,
 * however it exits ({@code kill -9} included), it stops PostgreSQL, deletes the data and exits.
 */
public final class DevPostgres implements Startable {

    private static final Logger LOG = Logger.getLogger(DevPostgres.class);

    static final String RUNNING = "io.quarkiverse.kafkaevents.dev-postgres.running";
    private static final int OUTPUT_LINES_KEPT = 40;

    private final DevPostgresConfig config;
    private final Path cacheDir;
    private final String datasourceName;
    private long pid = -1;
    private String jdbcUrl;
    private Path workDir;
    private long readyMillis;
    private boolean adopted;

    DevPostgres(DevPostgresConfig config, Path cacheDir, String datasourceName) {
        this.config = config;
        this.cacheDir = cacheDir;
        this.datasourceName = datasourceName;
    }

    @Override
    public void start() {
        long begin = System.nanoTime();
        if (!adoptRunning()) {
            launch();
            System.setProperty(RUNNING, pid + "|" + jdbcUrl + "|" + settingsKey() + "|" + workDir);
        }
        readyMillis = (System.nanoTime() - begin) / 1_000_000;
    }

    private String settingsKey() {
        return config.version() + "/" + config.port() + "/" + config.javaBinary().orElse("");
    }

    private boolean adoptRunning() {
        String running = System.getProperty(RUNNING);
        if (running == null) {
            return false;
        }
        String[] parts = running.split("\\|", 4);
        if (parts.length == 4 && parts[2].equals(settingsKey())
                && ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false)) {
            pid = Long.parseLong(parts[0]);
            jdbcUrl = parts[1];
            workDir = Path.of(parts[3]);
            adopted = true;
            return true;
        }
        if (parts.length == 4) {
            LOG.infof("Stopping the dev PostgreSQL %s: its settings changed or it is gone", parts[1]);
            ProcessHandle.of(Long.parseLong(parts[0])).ifPresent(p -> {
                p.destroy(); // SIGTERM: the launcher stops PostgreSQL and deletes its directory
                p.onExit().completeOnTimeout(null, 20, TimeUnit.SECONDS).join();
            });
        }
        System.clearProperty(RUNNING);
        return false;
    }

    private void launch() {
        Process process;
        Deque<String> output = new ArrayDeque<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        List<String> command = new ArrayList<>();
        try {
            List<Path> classpath = DevPostgresClasspath.resolve(cacheDir, config.version());
            workDir = Files.createTempDirectory("kafka-events-dev-postgres-");
            command.add(java());
            command.add(DevPostgresMain.PROCESS_MARKER);
            command.add("-Xmx128m"); // the first start unpacks the binaries (xz) in memory
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Xss512k");
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            command.add("-cp");
            command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
            command.add(DevPostgresClasspath.MAIN_CLASS);
            command.add(workDir.toString());
            command.add(Integer.toString(config.port().orElse(0)));
            LOG.debugf("Starting the dev PostgreSQL: %s", command);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException | RuntimeException e) {
            throw failure("could not start its JVM: " + e.getMessage(), List.of(), e);
        }
        pid = process.pid();
        Thread reader = new Thread(() -> read(process, output, ready), "dev-postgres-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String line = ready.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            String[] tokens = line.split(" ");
            jdbcUrl = tokens[1];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted", tail(output), null);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw failure("not ready after " + config.startTimeout().toSeconds()
                    + "s (quarkus.kafka-events.devservices.postgres.start-timeout)", tail(output), null);
        } catch (ExecutionException e) {
            process.destroyForcibly();
            throw failure(e.getCause().getMessage(), tail(output), null);
        }
    }

    private static void read(Process process, Deque<String> output, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LOG.debugf("[dev postgres] %s", line);
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.removeFirst();
                    }
                }
                if (line.startsWith(DevPostgresMain.READY_MARKER + " ")) {
                    ready.complete(line);
                } else if (line.startsWith(DevPostgresMain.FAILED_MARKER)) {
                    ready.completeExceptionally(new IllegalStateException(
                            line.substring(DevPostgresMain.FAILED_MARKER.length()).trim()));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        ready.completeExceptionally(new IllegalStateException("its process exited"
                + (process.isAlive() ? "" : " with status " + process.exitValue())));
    }

    private static List<String> tail(Deque<String> output) {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    private RuntimeException failure(String reason, List<String> output, Exception cause) {
        DevBroker.deleteRecursively(workDir);
        StringBuilder message = new StringBuilder("The Kafka Events dev PostgreSQL (for the outbox's datasource ")
                .append(datasourceName).append(") did not start: ").append(reason).append('.');
        if (!output.isEmpty()) {
            message.append("\n  Process output (last lines):");
            output.forEach(line -> message.append("\n    ").append(line));
        }
        message.append("\n  To use a database of your own, set ").append(DevPostgresProcessor.urlKey(datasourceName))
                .append("; to use Quarkus' container-based Dev Service instead, set"
                        + " quarkus.kafka-events.devservices.postgres.enabled=false.");
        return new IllegalStateException(message.toString(), cause);
    }

    private String java() {
        String configured = config.javaBinary().orElse(null);
        if (configured != null) {
            return configured;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public String getConnectionInfo() {
        return jdbcUrl;
    }

    @Override
    public String getContainerId() {
        return null;
    }

    long pid() {
        return pid;
    }

    long readyMillis() {
        return readyMillis;
    }

    boolean adopted() {
        return adopted;
    }

    Path workDir() {
        return workDir;
    }

    /** Kept for the next build of this JVM; the server stops when this JVM exits. */
    @Override
    public void close() {
        LOG.debugf("Keeping the dev PostgreSQL %s for later builds of this JVM", jdbcUrl);
    }
}
