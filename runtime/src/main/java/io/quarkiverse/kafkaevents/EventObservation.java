package io.quarkiverse.kafkaevents;

import java.time.Duration;

/**
 * What an {@link EventMonitor} is told about one event. Fields that do not apply are {@code null} or {@code -1}.
 *
 * @param eventType the CloudEvents type
 * @param topic the topic
 * @param partition the partition, or {@code -1} when publishing
 * @param offset the offset, or {@code -1} when publishing
 * @param group the consumer group, or {@code null} when publishing
 * @param handler the handler ({@code Class#method}), when one is concerned
 * @param attempt the attempt, from 1; {@code 0} when not applicable
 * @param duration how long it took (publishing until acknowledgement, handling), or {@code null}
 * @param failure the failure, or {@code null}
 */
public record EventObservation(String eventType, String topic, int partition, long offset, String group, String handler,
        int attempt, Duration duration, Throwable failure) {
}
