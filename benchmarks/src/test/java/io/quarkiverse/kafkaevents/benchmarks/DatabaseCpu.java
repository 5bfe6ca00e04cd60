package io.quarkiverse.kafkaevents.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a PostgreSQL server: its postmaster and every process it forked, from {@code /proc} (Linux). The
 * postmaster's own time plus what its exited children used (its {@code cutime}/{@code cstime}), plus what the live
 * backends, checkpointer, WAL writer etc. used so far. Ticks are taken as 1/100 s ({@code CLK_TCK} on Linux).
 */
final class DatabaseCpu {

    private static final long NANOS_PER_TICK = 10_000_000L;

    private final ProcessHandle postmaster;

    DatabaseCpu(ProcessHandle postmaster) {
        this.postmaster = postmaster;
    }

    long pid() {
        return postmaster.pid();
    }

    /** CPU nanoseconds used by the server so far; 0 when {@code /proc} cannot be read. */
    long cpuNanos() {
        long ticks = ticks(postmaster.pid(), true);
        for (ProcessHandle child : (Iterable<ProcessHandle>) postmaster.descendants()::iterator) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * NANOS_PER_TICK;
    }

    /** utime + stime (fields 14 and 15 of {@code /proc/<pid>/stat}), with cutime + cstime (16, 17) if asked. */
    private static long ticks(long pid, boolean withExitedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: fields 3.. follow the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (withExitedChildren) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return 0; // exited in between, or not Linux
        }
    }
}
