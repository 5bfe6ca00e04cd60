package io.quarkiverse.kafkaevents;

/**
 * How an event is written to Kafka.
 */
public enum EventFormat {
    /**
     * CloudEvents binary mode: the attributes travel as {@code ce_*} record headers, the payload is the event as JSON.
     */
    BINARY,
    /**
     * CloudEvents structured mode: the value is an {@code application/cloudevents+json} envelope holding attributes and
     * event.
     */
    STRUCTURED,
    /**
     * The event as JSON and nothing else, for consumers that know no CloudEvents.
     */
    PLAIN
}
