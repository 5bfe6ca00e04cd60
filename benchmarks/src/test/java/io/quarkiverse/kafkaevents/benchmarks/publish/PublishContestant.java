package io.quarkiverse.kafkaevents.benchmarks.publish;

/**
 * One way of publishing events. Sends {@code count} events to the topic as fast as the {@link Window} lets it; the
 * harness then waits for the window to drain.
 */
public interface PublishContestant {

    String name();

    void publish(PublishTarget target, int count, Window window);
}
