package io.quarkiverse.kafkaevents.deployment.events;

import io.quarkus.builder.item.MultiBuildItem;

/**
 * One problem with an event type or a handler that fails the build. Every scan reports its problems as these items
 * instead of failing on its own, so that one build failure lists them all ({@link DefinitionProblemsProcessor}).
 */
public final class DefinitionProblemBuildItem extends MultiBuildItem {

    private final String message;

    public DefinitionProblemBuildItem(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
