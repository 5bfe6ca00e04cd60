package io.quarkiverse.kafkaevents.deployment.events;

import io.quarkus.builder.item.EmptyBuildItem;

/**
 * Every event type and handler was checked and none has a problem: steps that hand the definitions to the runtime
 * consume it, so that they run only after the one report of all problems.
 */
public final class DefinitionsCheckedBuildItem extends EmptyBuildItem {
}
