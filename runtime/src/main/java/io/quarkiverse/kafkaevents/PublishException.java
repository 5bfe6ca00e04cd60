package io.quarkiverse.kafkaevents;

/**
 * An event could not be published: it is not an event type, its key could not be computed, it could not be
 * serialized, or the broker did not acknowledge it.
 */
public class PublishException extends RuntimeException {

    private final String eventType;
    private final String topic;

    public PublishException(String message, String eventType, String topic, Throwable cause) {
        super(message, cause);
        this.eventType = eventType;
        this.topic = topic;
    }

    /** The class name of the event, when known. */
    public String eventType() {
        return eventType;
    }

    /** The topic the event was meant for, when known. */
    public String topic() {
        return topic;
    }
}
