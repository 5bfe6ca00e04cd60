package io.quarkiverse.kafkaevents.benchmarks.report;

/**
 * One {@code mvn package} of a start-up contestant: Quarkus' own augmentation time ("Quarkus augmentation completed in")
 * and the wall time of the whole Maven invocation (JVM start, compile check, jar, augmentation).
 */
public record BuildRun(String contestant, int iteration, long augmentationMillis, long mavenMillis) {

    @Override
    public String toString() {
        return String.format("build   | %-62s | iter %d | augmentation %,6d ms | mvn package %,6d ms", contestant,
                iteration, augmentationMillis, mavenMillis);
    }
}
