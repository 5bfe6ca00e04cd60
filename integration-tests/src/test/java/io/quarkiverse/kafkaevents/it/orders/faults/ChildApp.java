package io.quarkiverse.kafkaevents.it.orders.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

/**
 * One instance of the sample orders service in a JVM of its own, started from {@code target/quarkus-app/quarkus-run.jar}
 * (built by {@code package}, before failsafe runs), so a test can {@code kill -9} it or send it SIGTERM. Its
 * {@code OrderPlaced} handler writes a {@link Ledger}. Every child is killed when the test JVM exits (shutdown hook),
 * and {@link #killAll()} kills those still running at the end of a test class.
 */
final class ChildApp {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final Path DIR = Path.of("target/fault-suite");
    private static final Set<ChildApp> RUNNING = ConcurrentHashMap.newKeySet();
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final java.util.concurrent.atomic.AtomicBoolean CLOSED = new java.util.concurrent.atomic.AtomicBoolean();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            CLOSED.set(true);
            killAll();
        }, "fault-suite-children"));
    }

    final String name;
    final int port;
    final Path ledger;
    final Path log;
    final Process process;
    final long launchedAt;

    private ChildApp(String name, int port, Path ledger, Path log, Process process, long launchedAt) {
        this.name = name;
        this.port = port;
        this.ledger = ledger;
        this.log = log;
        this.process = process;
        this.launchedAt = launchedAt;
    }

    /**
     * Starts an instance reading {@code test.*} topics (those the test JVM publishes to) in the given consumer group;
     * {@code settings} are more system properties. Does not wait: see {@link #awaitReady(Duration)}.
     */
    static ChildApp launch(String name, String group, Map<String, String> settings) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the fault suite runs after package (mvn verify)");
        }
        try {
            Files.createDirectories(DIR);
            int port = freePort();
            Path ledger = DIR.resolve(name + ".ledger");
            Path log = DIR.resolve(name + ".log");
            Files.deleteIfExists(ledger);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dkafka.bootstrap.servers=" + DevBrokerCluster.current().bootstrapServers(),
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.kafka-events.environment=test",
                    "-Dquarkus.kafka-events.group-id=" + group,
                    "-Dquarkus.kafka-events.topics.provisioning=create",
                    "-Dquarkus.kafka-events.auto-offset-reset=earliest",
                    "-Dquarkus.kafka-events.health.cache-for=500ms",
                    // offsets of handled records are committed at the extension's default commit-interval (1 s)
                    "-Dorders.fault-ledger.file=" + ledger.toAbsolutePath()));
            // the dev PostgreSQL of the test JVM's application, whose tables it created (prod mode only validates)
            Config config = ConfigProvider.getConfig();
            for (String key : List.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                    "quarkus.datasource.password")) {
                config.getOptionalValue(key, String.class).ifPresent(value -> command.add("-D" + key + "=" + value));
            }
            settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
            // more JVM options for every instance, to try a setting: -Dfault-suite.child-options="-Da=b -Dc=d"
            String extra = System.getProperty("fault-suite.child-options", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
            command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
            long launchedAt = System.currentTimeMillis();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ChildApp app = new ChildApp(name, port, ledger, log, process, launchedAt);
            RUNNING.add(app);
            if (CLOSED.get()) {
                // launched while the test JVM shuts down, after the hook killed the others: never leave it behind
                process.destroyForcibly();
                throw new IllegalStateException("The test JVM is shutting down: " + name + " not started");
            }
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /** Waits until the readiness check is UP: broker reachable, topics there, consumers assigned. */
    ChildApp awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + "; log " + log + ":\n"
                        + String.join("\n", DevBrokerCluster.tail(log, 40)));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            FaultSupport.sleep(250);
        }
        throw new AssertionError(name + " not ready after " + timeout.toSeconds() + " s, last answer: " + last
                + "\nlog " + log + ":\n" + String.join("\n", DevBrokerCluster.tail(log, 40)));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook, no commit, no goodbye to the group. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM, as a platform stops an instance; returns the exit code, or fails if it takes longer than the bound. */
    int terminate(Duration timeout) {
        process.destroy();
        if (!awaitExit(timeout)) {
            kill();
            throw new AssertionError(name + " did not stop within " + timeout.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    private boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                RUNNING.remove(this);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** When the first line of the instance's log containing the text was written (epoch ms), or -1. */
    long loggedAt(String text) {
        for (String line : DevBrokerCluster.tail(log, 100_000)) {
            if (line.contains(text) && line.length() > 23) {
                try {
                    return LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault())
                            .toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    Ledger ledger() {
        return Ledger.read(ledger);
    }

    static void killAll() {
        for (ChildApp app : List.copyOf(RUNNING)) {
            app.process.destroyForcibly();
            app.awaitExit(Duration.ofSeconds(10));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
