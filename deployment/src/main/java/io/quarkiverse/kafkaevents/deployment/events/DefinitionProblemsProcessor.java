package io.quarkiverse.kafkaevents.deployment.events;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Produce;

/**
 * Fails the build once, with every problem the event-type and handler scans found.
 */
public class DefinitionProblemsProcessor {

    @BuildStep
    @Produce(DefinitionsCheckedBuildItem.class)
    void report(List<DefinitionProblemBuildItem> problems) {
        if (!problems.isEmpty()) {
            List<String> messages = new ArrayList<>(problems.size());
            for (DefinitionProblemBuildItem problem : problems) {
                messages.add(problem.message());
            }
            throw new EventDefinitionException(messages);
        }
    }
}
