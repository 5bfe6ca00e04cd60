package io.quarkiverse.kafkaevents.benchmarks.report;

import java.time.LocalTime;

import io.quarkiverse.kafkaevents.benchmarks.ResourceUsage;

/** One measured run of one contestant in a throughput scenario. */
public record Measurement(String scenario, String contestant, int iteration, String finishedAt, long records,
        long wallNanos, long clientCpuNanos, long brokerCpuNanos, long allocatedBytes, long databaseCpuNanos) {

    public static Measurement of(String scenario, String contestant, int iteration, long records,
            ResourceUsage.Used used) {
        return new Measurement(scenario, contestant, iteration, LocalTime.now().toString(), records, used.wallNanos(),
                used.clientCpuNanos(), used.brokerCpuNanos(), used.allocatedBytes(), used.databaseCpuNanos());
    }

    public double recordsPerSecond() {
        return records * 1e9 / wallNanos;
    }

    public double clientCpuMicrosPerRecord() {
        return clientCpuNanos / 1e3 / records;
    }

    public double brokerCpuMicrosPerRecord() {
        return brokerCpuNanos / 1e3 / records;
    }

    /** CPU of the database server per record (0 where no database is involved or watched). */
    public double databaseCpuMicrosPerRecord() {
        return databaseCpuNanos / 1e3 / records;
    }

    public double allocatedBytesPerRecord() {
        return (double) allocatedBytes / records;
    }

    /** Average number of cores the benchmark JVM kept busy. */
    public double clientCores() {
        return (double) clientCpuNanos / wallNanos;
    }

    @Override
    public String toString() {
        return String.format("%s | %-22s | %-40s | %s | %,9.0f records/s | client %6.2f us/record (%.2f cores) | broker"
                + " %6.2f us/record | database %6.2f us/record | %,6.0f B/record allocated", finishedAt, scenario,
                contestant, iteration < 0 ? "warm-up" : "iter " + iteration, recordsPerSecond(),
                clientCpuMicrosPerRecord(), clientCores(), brokerCpuMicrosPerRecord(), databaseCpuMicrosPerRecord(),
                allocatedBytesPerRecord());
    }
}
