package io.quarkiverse.kafkaevents.deployment.events;

import java.util.List;

/**
 * The build found event types or handlers it cannot wire; the message lists every problem.
 */
public class EventDefinitionException extends RuntimeException {

    public EventDefinitionException(List<String> problems) {
        super("Kafka Events found " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    }
}
