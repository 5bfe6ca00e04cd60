package io.quarkiverse.kafkaevents.benchmarks.consume;

import io.quarkiverse.kafkaevents.benchmarks.Tally;

/**
 * One way of consuming events, in a consumer group of its own, already subscribed and idle until {@link #start()}:
 * starting and stopping are not part of what is measured, only reading the backlog.
 */
public interface ConsumeContestant {

    String name();

    /** Where the contestant counts the events it handled. */
    Tally tally();

    void start() throws InterruptedException;

    void stop() throws InterruptedException;
}
