package io.quarkiverse.kafkaevents.deployment.contracts.compat;

/**
 * Which way a schema change is judged, by the service's role for the event type.
 */
enum Direction {

    /**
     * The service publishes the type: every event it now publishes must still be valid for the readers of the
     * version, who read it with the baseline schema (current schema within the baseline).
     */
    WRITER("breaks handlers of the version in other services"),

    /**
     * The service handles the type: every event published as the baseline describes must still be valid for its
     * handlers (baseline within the current schema).
     */
    READER("breaks this service's handlers on events published as before");

    private final String breaks;

    Direction(String breaks) {
        this.breaks = breaks;
    }

    /** Who the change breaks, for messages. */
    String breaks() {
        return breaks;
    }
}
