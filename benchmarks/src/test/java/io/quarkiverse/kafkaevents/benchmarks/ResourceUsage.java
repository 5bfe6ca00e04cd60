package io.quarkiverse.kafkaevents.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * CPU time of the benchmark JVM (all clients: raw, SmallRye and the extension, plus JIT and GC), of the dev broker
 * process and, once {@link #watchDatabase watched}, of the dev PostgreSQL server; memory allocated in the benchmark
 * JVM, and resident memory of the JVM and the broker.
 */
public final class ResourceUsage {

    /** A point in time: wall clock, CPU of this JVM and of the broker, bytes allocated by each live thread. */
    public record Sample(long wallNanos, long clientCpuNanos, long brokerCpuNanos, long databaseCpuNanos,
            Map<Long, Long> allocatedByThread) {

        /** What was used from this sample until a later one. */
        public Used until(Sample later) {
            long allocated = 0;
            for (Map.Entry<Long, Long> thread : later.allocatedByThread.entrySet()) {
                allocated += thread.getValue() - allocatedByThread.getOrDefault(thread.getKey(), 0L);
            }
            return new Used(later.wallNanos - wallNanos, later.clientCpuNanos - clientCpuNanos,
                    later.brokerCpuNanos - brokerCpuNanos, later.databaseCpuNanos - databaseCpuNanos, allocated);
        }
    }

    /**
     * Wall clock time, CPU time of this JVM, of the broker and of the database (nanoseconds; 0 for the database when
     * none is watched), and bytes allocated in this JVM by the threads alive at the end (threads that ended in between
     * are missed).
     */
    public record Used(long wallNanos, long clientCpuNanos, long brokerCpuNanos, long databaseCpuNanos,
            long allocatedBytes) {

        public double clientCores() {
            return (double) clientCpuNanos / wallNanos;
        }

        public double brokerCores() {
            return (double) brokerCpuNanos / wallNanos;
        }
    }

    private static final String RUNNING_BROKER = "io.quarkiverse.kafkaevents.dev-broker.running";

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final ProcessHandle broker;
    private volatile DatabaseCpu database;

    private ResourceUsage(ProcessHandle broker) {
        this.broker = broker;
    }

    /**
     * Finds the dev broker this JVM started: its pid is the first field of the system property the dev broker
     * registers itself in ({@code DevBroker.RUNNING_BROKER}: {@code pid|bootstrap servers|settings}).
     */
    public static ResourceUsage withDevBroker() {
        String running = System.getProperty(RUNNING_BROKER, "");
        ProcessHandle broker = running.isEmpty() ? null
                : ProcessHandle.of(Long.parseLong(running.substring(0, running.indexOf('|')))).orElse(null);
        if (broker == null) {
            throw new IllegalStateException("No dev broker running for this JVM: the benchmark needs the extension's"
                    + " dev broker (leave kafka.bootstrap.servers unset)");
        }
        return new ResourceUsage(broker);
    }

    /** Counts the CPU of the PostgreSQL server whose postmaster this is, from now on. */
    public void watchDatabase(ProcessHandle postmaster) {
        this.database = new DatabaseCpu(postmaster);
    }

    public Sample sample() {
        DatabaseCpu db = database;
        long databaseCpu = db == null ? 0 : db.cpuNanos();
        long brokerCpu = broker.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long[] ids = threads.getAllThreadIds();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (allocated[i] >= 0) {
                byThread.put(ids[i], allocated[i]);
            }
        }
        return new Sample(System.nanoTime(), os.getProcessCpuTime(), brokerCpu, databaseCpu, byThread);
    }

    public long brokerPid() {
        return broker.pid();
    }

    /** Resident memory of this JVM, in bytes. */
    public long clientRss() {
        return rss(ProcessHandle.current().pid());
    }

    /** Resident memory of the broker, in bytes. */
    public long brokerRss() {
        return rss(broker.pid());
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            return -1; // not Linux
        }
    }
}
