package io.quarkiverse.kafkaevents.test;

/**
 * A handler attempt that threw, as the extension reported it during a {@link TrackedSession}.
 *
 * @param eventType the CloudEvents type
 * @param topic the topic of the record
 * @param partition its partition
 * @param offset its offset
 * @param group the consumer group
 * @param handler {@code Class#method}
 * @param attempt the attempt, from 1
 * @param failure what the handler threw
 */
public record HandlerFailure(String eventType, String topic, int partition, long offset, String group, String handler,
        int attempt, Throwable failure) {

    @Override
    public String toString() {
        return "handler " + handler + " failed on " + eventType + " " + topic + "-" + partition + "@" + offset
                + " (group " + group + ", attempt " + attempt + "): " + failure;
    }
}
