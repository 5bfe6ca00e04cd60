package io.quarkiverse.kafkaevents.runtime.internal.handle.call;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.TopicPartition;

import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.DecodedEvent;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;

/**
 * What stays the same over the attempts of one record: where it came from, its decoded event, its trace, and how to
 * tell that its partition was revoked.
 */
public record Attempt(HandlerChannel handlers, PolledRecord record, DecodedEvent decoded, String type,
        Map<Class<?>, Object> events, Context trace, int[] attempts,
        BooleanSupplier revoked) {

    public TopicPartition partition() {
        return record.topicPartition();
    }

    /** Where the event came from, which attempt this is, and when it first failed ({@code null} before that). */
    public record Retry(RecordOrigin origin, int attempt, java.time.Instant firstFailure) {
    }

    /** A handler that failed, and how. */
    public record Failed(EventInvoker invoker, Throwable failure) {
    }
}
