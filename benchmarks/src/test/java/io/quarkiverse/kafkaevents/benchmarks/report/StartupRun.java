package io.quarkiverse.kafkaevents.benchmarks.report;

/**
 * One launch of a start-up contestant in prod mode: time from process launch to Quarkus' "started" line (as the
 * harness saw it, and as Quarkus reported it), resident memory then and after handling {@code events} events, CPU time
 * of the process up to "started" and for the events, and how long publishing, handling and stopping took.
 */
public record StartupRun(String contestant, int iteration, long startedMillis, long quarkusStartedMillis,
        long rssStartedBytes, long rssHandledBytes, long startCpuMillis, long eventsCpuMillis, int events,
        long publishedMillis, long handledMillis, long stopMillis) {

    @Override
    public String toString() {
        return String.format("startup | %-62s | iter %d | started %,5d ms (Quarkus %,5d ms) | RSS %4d MB, %4d MB after"
                + " %,d events | CPU %,5d ms to start, %,5d ms for the events | published %,5d ms, handled %,5d ms |"
                + " stopped %,5d ms", contestant, iteration, startedMillis, quarkusStartedMillis,
                rssStartedBytes >> 20, rssHandledBytes >> 20, events, startCpuMillis, eventsCpuMillis,
                publishedMillis, handledMillis, stopMillis);
    }
}
