package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.List;

/**
 * The build found event types whose schema changed in a way that breaks readers of the same version; the message
 * names each type, version, field and change, and how to proceed.
 */
public class ContractBreakException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ContractBreakException(List<String> reports) {
        super("Kafka Events: the compatibility gate found " + reports.size() + " event type(s) with a breaking"
                + " change:\n" + String.join("\n", reports));
    }
}
