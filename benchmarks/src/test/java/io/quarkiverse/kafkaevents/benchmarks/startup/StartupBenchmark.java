package io.quarkiverse.kafkaevents.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkiverse.kafkaevents.benchmarks.BenchmarkSettings;
import io.quarkiverse.kafkaevents.benchmarks.Interleaved;
import io.quarkiverse.kafkaevents.benchmarks.Topics;
import io.quarkiverse.kafkaevents.benchmarks.report.BuildRun;
import io.quarkiverse.kafkaevents.benchmarks.report.Results;
import io.quarkiverse.kafkaevents.benchmarks.report.StartupRun;

/**
 * Start-up time, memory and build (augmentation) time of the sample "orders" service written with the extension and
 * the same service written with plain SmallRye channels.
 * <p>
 * Each contestant is built with its own Maven invocation ({@code mvn package}, so the Quarkus build step runs as in any
 * application build; its augmentation time is read from Quarkus' own log line), then launched from its fast-jar in
 * prod mode against the dev broker, several times, the two interleaved. A launch is timed from process start to
 * Quarkus' "started in" line; resident memory is read from {@code /proc/<pid>/status} then, and again after the
 * application published {@code N} events (through its own REST endpoint) and its handler handled all of them. Each
 * launch gets a fresh topic, created by the harness beforehand. The only assertions: builds succeed, applications
 * start, every event is handled.
 */
public final class StartupBenchmark {

    private static final Pattern AUGMENTATION = Pattern.compile("Quarkus augmentation completed in (\\d+)ms");
    private static final Pattern STARTED = Pattern
            .compile("started in (\\d+(?:\\.\\d+)?)s\\. Listening on: (http://[^\\s,]+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration HANDLE_TIMEOUT = Duration.ofSeconds(120);

    private final BenchmarkSettings settings;
    private final List<StartupContestant> contestants;
    private final String bootstrapServers;
    private final Topics topics;
    private final Results results;
    private final Path logs = Path.of("target", "benchmarks", "startup");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public StartupBenchmark(BenchmarkSettings settings, List<StartupContestant> contestants, String bootstrapServers,
            Topics topics, Results results) {
        this.settings = settings;
        this.contestants = contestants;
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.results = results;
    }

    public void run() throws Exception {
        Files.createDirectories(logs);
        results.describe("start-up runs", settings.startupBuilds() + " builds and " + settings.startupLaunches()
                + " launches of each application (interleaved), " + settings.startupEvents()
                + " events published and handled per launch, application JVM options: "
                + settings.startupJvmOptions());
        // no warm-up rounds (they would cost a minute or more): augmentation is Quarkus' own figure, which leaves out
        // compiling, and the builds bring the jars the launches read into the page cache; the order alternates
        Interleaved.run(0, settings.startupBuilds(), contestants, (iteration, order) -> {
            for (StartupContestant contestant : order) {
                results.add(build(contestant, iteration));
            }
        });
        Interleaved.run(0, settings.startupLaunches(), contestants, (iteration, order) -> {
            for (StartupContestant contestant : order) {
                Interleaved.settle();
                results.add(launch(contestant, iteration));
            }
        });
    }

    private BuildRun build(StartupContestant contestant, int iteration) throws Exception {
        String mavenHome = System.getProperty("maven.home");
        Path mvn = mavenHome == null ? Path.of("mvn") : Path.of(mavenHome, "bin", "mvn");
        Path log = logs.resolve("build-" + contestant.directory().getFileName() + "-" + iteration + ".log");
        // the project's hygiene plugins (formatter, import sorting, enforcer, build number, source jar) and the
        // (absent) tests are skipped: they are not part of building an application
        List<String> command = List.of(mvn.toString(), "-B", "-nsu", "-f",
                contestant.directory().resolve("pom.xml").toString(), "package", "-Dmaven.test.skip=true",
                "-Dformatter.skip=true", "-Dimpsort.skip=true", "-Denforcer.skip=true",
                "-Dmaven.buildNumber.skip=true", "-Dmaven.source.skip=true");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Building " + contestant.name() + " did not finish: see " + log);
        }
        long wall = System.nanoTime() - start;
        String output = Files.readString(log);
        Matcher augmentation = AUGMENTATION.matcher(output);
        if (process.exitValue() != 0 || !augmentation.find() || !Files.exists(contestant.runner())) {
            throw new AssertionError("Building " + contestant.name() + " failed (exit " + process.exitValue()
                    + "): see " + log);
        }
        return new BuildRun(contestant.name(), iteration, Long.parseLong(augmentation.group(1)), wall / 1_000_000);
    }

    private StartupRun launch(StartupContestant contestant, int iteration) throws Exception {
        String environment = "startup-" + contestant.directory().getFileName() + "-" + (iteration + 10);
        for (String topic : contestant.topics().apply(environment)) {
            topics.create(topic, 3);
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(settings.startupJvmOptions().trim().split("\\s+")));
        command.add("-Dkafka.bootstrap.servers=" + bootstrapServers);
        command.add("-Dquarkus.http.port=0");
        command.addAll(contestant.topicProperties().apply(environment));
        command.add("-jar");
        command.add(contestant.runner().toAbsolutePath().toString());
        command.removeIf(String::isEmpty);
        Path log = logs.resolve("run-" + contestant.directory().getFileName() + "-" + iteration + ".log");

        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Started> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, log, launched, started), "startup-log-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            Started up;
            try {
                up = started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(contestant.name() + " did not start: see " + log, e);
            }
            long rssStarted = rss(process.pid());
            long cpuStarted = cpuMillis(process);

            int events = settings.startupEvents();
            long publishStart = System.nanoTime();
            HttpResponse<String> burst = http.send(HttpRequest.newBuilder(
                    URI.create(up.url() + "/orders/burst?run=" + environment + "&count=" + events))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(HANDLE_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            long published = System.nanoTime() - publishStart;
            if (burst.statusCode() != 200 || Long.parseLong(burst.body().trim()) != events) {
                throw new AssertionError(contestant.name() + " did not publish " + events + " events: "
                        + burst.statusCode() + " " + burst.body() + ", see " + log);
            }
            long handled = 0;
            long deadline = System.nanoTime() + HANDLE_TIMEOUT.toNanos();
            while (handled < events && System.nanoTime() < deadline) {
                Thread.sleep(20);
                handled = Long.parseLong(http.send(HttpRequest.newBuilder(URI.create(up.url() + "/orders/handled"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body().trim());
            }
            long handledNanos = System.nanoTime() - publishStart;
            if (handled != events) {
                throw new AssertionError(contestant.name() + " handled " + handled + " of " + events
                        + " events: see " + log);
            }
            long rssHandled = rss(process.pid());
            long cpuHandled = cpuMillis(process);
            long stopping = System.nanoTime();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            long stopped = System.nanoTime() - stopping;
            return new StartupRun(contestant.name(), iteration, up.nanos() / 1_000_000, up.quarkusMillis(),
                    rssStarted, rssHandled, cpuStarted, cpuHandled - cpuStarted, events, published / 1_000_000,
                    handledNanos / 1_000_000, stopped / 1_000_000);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            reader.join(5000);
        }
    }

    /** When the application printed its "started" line: nanoseconds since launch, Quarkus' own figure, its URL. */
    private record Started(long nanos, long quarkusMillis, String url) {
    }

    /** Copies the application's output to its log file and completes {@code started} at Quarkus' "started" line. */
    private static void follow(Process process, Path log, long launched, CompletableFuture<Started> started) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!started.isDone()) {
                    Matcher matcher = STARTED.matcher(line);
                    if (matcher.find()) {
                        started.complete(new Started(System.nanoTime() - launched,
                                Math.round(Double.parseDouble(matcher.group(1)) * 1000),
                                matcher.group(2).replace("0.0.0.0", "localhost")));
                    }
                }
                out.println(line);
            }
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
        started.completeExceptionally(new IllegalStateException("exited with no started line"));
    }

    private static long cpuMillis(Process process) {
        return process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
