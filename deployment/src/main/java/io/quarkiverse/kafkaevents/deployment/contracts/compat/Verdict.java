package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.List;

/**
 * The gate's verdict on one event type and version.
 *
 * @param type the event type
 * @param className its class
 * @param version its version label ({@code @EventTopic(version)}, empty for none)
 * @param outcome compatible, breaking, accepted or new
 * @param messages the breaking changes (or why the type is new)
 */
record Verdict(String type, String className, String version, Outcome outcome, List<String> messages) {

    enum Outcome {
        COMPATIBLE("compatible"),
        BREAKING("breaking"),
        ACCEPTED("accepted"),
        NEW("new");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    int versionNumber() {
        return Baselines.number(version);
    }
}
