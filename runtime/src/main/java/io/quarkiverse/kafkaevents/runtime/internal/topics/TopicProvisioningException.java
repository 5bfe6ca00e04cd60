package io.quarkiverse.kafkaevents.runtime.internal.topics;

/**
 * Topics could not be created or validated: the broker could not be reached in time, refused a request, or a topic is
 * missing or has too few partitions. The message says which topics, why, and how to fix it.
 */
public class TopicProvisioningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TopicProvisioningException(String message) {
        super(message);
    }

    public TopicProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
