package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.util.List;

/**
 * A start-up prerequisite other than the topics (the outbox's datasource and table): checked with the topics, before
 * SmallRye Reactive Messaging starts any consumer, and reported in the same failure as every other start-up problem.
 */
public interface StartupCheck {

    /** What is wrong, one sentence per problem naming its culprit and the fix; empty when all is well. */
    List<String> problems();
}
