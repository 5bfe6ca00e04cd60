package io.quarkiverse.kafkaevents.benchmarks.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of a benchmark run and prints, per throughput contestant, where its CPU samples and its
 * allocation went, counting only what was recorded during that contestant's measured iterations (the windows come from
 * the run's {@code results.json}). JDK classes only, so it runs as a single source file:
 *
 * <pre>
 * java benchmarks/src/test/java/io/quarkiverse/kafkaevents/benchmarks/profile/JfrProfile.java \
 *     benchmarks/target/benchmarks/run.jfr benchmarks/target/benchmarks/results.json [top]
 * </pre>
 *
 * For each contestant: the hottest methods by self time (the top frame of each execution sample), the hottest
 * "first non-JDK" frames (the library method that called into the JDK), the share of samples whose stack passes through
 * each component and each of the extension's methods (inclusive), the threads, and the allocated classes and allocation sites
 * (by JFR's weighted
 * allocation samples).
 */
public final class JfrProfile {

    private static final Pattern MEASUREMENT = Pattern.compile("\\{\\s*\"scenario\" : \"([^\"]*)\",\\s*"
            + "\"contestant\" : \"([^\"]*)\",\\s*\"iteration\" : (-?\\d+),\\s*\"finishedAt\" : \"([^\"]*)\",\\s*"
            + "\"records\" : (\\d+),\\s*\"wallNanos\" : (\\d+)");
    private static final Pattern DATE = Pattern.compile("\"date\" : \"([0-9-]+)\"");

    private static final String EXTENSION = "io.quarkiverse.kafkaevents.runtime.";

    /** Components whose inclusive share is reported: a sample counts for each one with a frame on its stack. */
    private static final Map<String, String> COMPONENTS = new LinkedHashMap<>();
    static {
        COMPONENTS.put("extension (io.quarkiverse.kafkaevents.runtime)", EXTENSION);
        COMPONENTS.put("CloudEvents SDK", "io.cloudevents.");
        COMPONENTS.put("Jackson", "com.fasterxml.jackson.");
        COMPONENTS.put("SmallRye Reactive Messaging", "io.smallrye.reactive.messaging.");
        COMPONENTS.put("Mutiny", "io.smallrye.mutiny.");
        COMPONENTS.put("Kafka producer", "org.apache.kafka.clients.producer.");
        COMPONENTS.put("Kafka consumer", "org.apache.kafka.clients.consumer.");
        COMPONENTS.put("Vert.x / Netty", "io.vertx.");
        COMPONENTS.put("OpenTelemetry", "io.opentelemetry.");
        COMPONENTS.put("java.util.UUID", "java.util.UUID.");
        COMPONENTS.put("PostgreSQL JDBC driver", "org.postgresql.");
        COMPONENTS.put("Agroal (connection pool)", "io.agroal.");
        COMPONENTS.put("Narayana (JTA)", "com.arjuna.");
        COMPONENTS.put("benchmark harness", "io.quarkiverse.kafkaevents.benchmarks.");
    }

    private record Window(String contestant, Instant start, Instant end) {
    }

    /** What one contestant accumulated. */
    private static final class Profile {
        long samples;
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> firstNonJdk = new HashMap<>();
        final Map<String, Long> components = new HashMap<>();
        final Map<String, Long> extensionMethods = new HashMap<>();
        final Map<String, Long> threads = new HashMap<>();
        long allocated;
        final Map<String, Long> allocatedClasses = new HashMap<>();
        final Map<String, Long> allocationSites = new HashMap<>();
        long records;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JfrProfile <recording.jfr> <results.json> [top]");
            System.exit(2);
        }
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        String json = Files.readString(Path.of(args[1]));
        Matcher dateMatcher = DATE.matcher(json);
        LocalDate date = dateMatcher.find() ? LocalDate.parse(dateMatcher.group(1)) : LocalDate.now();
        List<Window> windows = new ArrayList<>();
        Map<String, Profile> profiles = new LinkedHashMap<>();
        Matcher m = MEASUREMENT.matcher(json);
        while (m.find()) {
            if (Integer.parseInt(m.group(3)) < 0) {
                continue; // warm-up
            }
            String contestant = m.group(1) + " | " + m.group(2);
            Instant end = LocalDateTime.of(date, LocalTime.parse(m.group(4))).atZone(ZoneId.systemDefault())
                    .toInstant();
            windows.add(new Window(contestant, end.minusNanos(Long.parseLong(m.group(6))), end));
            profiles.computeIfAbsent(contestant, c -> new Profile()).records += Long.parseLong(m.group(5));
        }
        if (windows.isEmpty()) {
            System.err.println("no measurements in " + args[1]);
            System.exit(1);
        }
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String name = event.getEventType().getName();
                boolean execution = name.equals("jdk.ExecutionSample");
                boolean allocation = name.equals("jdk.ObjectAllocationSample");
                if (!execution && !allocation) {
                    continue;
                }
                Window window = find(windows, event.getStartTime());
                if (window == null) {
                    continue;
                }
                Profile profile = profiles.get(window.contestant());
                RecordedStackTrace stack = event.getStackTrace();
                List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
                if (execution) {
                    profile.samples++;
                    String thread = event.getThread("sampledThread") == null ? "?"
                            : event.getThread("sampledThread").getJavaName();
                    profile.threads.merge(threadGroup(thread), 1L, Long::sum);
                    if (!frames.isEmpty()) {
                        profile.self.merge(method(frames.get(0)), 1L, Long::sum);
                        profile.firstNonJdk.merge(firstNonJdk(frames), 1L, Long::sum);
                    }
                    frames.stream().map(JfrProfile::method)
                            .filter(f -> f.startsWith(EXTENSION) && !f.contains("$$Lambda")).distinct()
                            .forEach(f -> profile.extensionMethods.merge(f, 1L, Long::sum));
                    for (Map.Entry<String, String> component : COMPONENTS.entrySet()) {
                        if (frames.stream().anyMatch(f -> method(f).startsWith(component.getValue()))) {
                            profile.components.merge(component.getKey(), 1L, Long::sum);
                        }
                    }
                } else {
                    long weight = event.getLong("weight");
                    profile.allocated += weight;
                    profile.allocatedClasses.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                    profile.allocationSites.merge(frames.isEmpty() ? "?" : firstNonJdk(frames), weight, Long::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Profile> entry : profiles.entrySet()) {
            Profile p = entry.getValue();
            out.append("\n### ").append(entry.getKey()).append("\n\n");
            out.append(String.format("%,d execution samples (%.1f per 1,000 records), %,d MB sampled allocation"
                    + " (%.0f B/record)%n%n", p.samples, 1000.0 * p.samples / p.records, p.allocated >> 20,
                    (double) p.allocated / p.records));
            table(out, "Self (top frame)", p.self, p.samples, top);
            table(out, "First non-JDK frame", p.firstNonJdk, p.samples, top);
            table(out, "Inclusive, by component", p.components, p.samples, COMPONENTS.size());
            table(out, "Inclusive, extension methods", p.extensionMethods, p.samples, top);
            table(out, "Threads", p.threads, p.samples, 8);
            allocationTable(out, "Allocated classes", p.allocatedClasses, p.allocated, p.records, top);
            allocationTable(out, "Allocation sites (first non-JDK frame)", p.allocationSites, p.allocated, p.records,
                    top);
        }
        System.out.print(out);
    }

    private static Window find(List<Window> windows, Instant time) {
        for (Window window : windows) {
            if (!time.isBefore(window.start()) && !time.isAfter(window.end())) {
                return window;
            }
        }
        return null;
    }

    private static void table(StringBuilder out, String title, Map<String, Long> counts, long total, int top) {
        out.append("| ").append(title).append(" | share |\n|---|---:|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue(Comparator.reverseOrder()))
                .limit(top).forEach(e -> out.append(String.format("| `%s` | %.1f%% |%n", e.getKey(),
                        100.0 * e.getValue() / Math.max(1, total))));
        out.append('\n');
    }

    private static void allocationTable(StringBuilder out, String title, Map<String, Long> bytes, long total,
            long records, int top) {
        out.append("| ").append(title).append(" | share | B/record |\n|---|---:|---:|\n");
        bytes.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue(Comparator.reverseOrder()))
                .limit(top).forEach(e -> out.append(String.format("| `%s` | %.1f%% | %,.0f |%n", e.getKey(),
                        100.0 * e.getValue() / Math.max(1, total), (double) e.getValue() / records)));
        out.append('\n');
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String firstNonJdk(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String method = method(frame);
            if (!method.startsWith("java.") && !method.startsWith("jdk.") && !method.startsWith("sun.")) {
                return method;
            }
        }
        return method(frames.get(0));
    }

    /** Thread names without their numbers: {@code kafka-producer-network-thread | producer-3} and the like. */
    private static String threadGroup(String thread) {
        return thread.replaceAll("[0-9]+", "N");
    }
}
