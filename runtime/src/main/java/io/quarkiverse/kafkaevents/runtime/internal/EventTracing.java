package io.quarkiverse.kafkaevents.runtime.internal;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Spans of handled records. Each record routed to handlers gets a span, child of the consumer span SmallRye Reactive
 * Messaging derives from the record's {@code traceparent} header (so of the publisher's span), covering every attempt;
 * the handlers run with it current, so what they do, publishing included, joins the trace. Failed attempts, retries and
 * dead-lettering are recorded as span events.
 * <p>
 * Without {@code quarkus-opentelemetry} there is no {@link OpenTelemetry} bean and the no-op implementation makes all
 * of this free.
 */
@Singleton
public class EventTracing {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> TYPE = AttributeKey.stringKey("kafka-events.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kafka-events.attempt");
    static final AttributeKey<String> HANDLER = AttributeKey.stringKey("kafka-events.handler");
    static final AttributeKey<Long> BACKOFF = AttributeKey.longKey("kafka-events.backoff.ms");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("kafka-events.reason");
    static final AttributeKey<String> DEAD_LETTER_TOPIC = AttributeKey.stringKey("kafka-events.dead-letter.topic");

    private final Tracer tracer;

    EventTracing(Instance<OpenTelemetry> openTelemetry) {
        OpenTelemetry otel = openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop();
        this.tracer = otel.getTracer("io.quarkiverse.kafkaevents");
    }

    /** Starts the span of a record's handling; its context is the one handlers run in. */
    Context start(Message<?> message, IncomingKafkaRecordMetadata<?, ?> record, String type, String group, String id) {
        Context parent = TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext)
                .orElse(Context.current());
        Span span = tracer.spanBuilder(record.getTopic() + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.getTopic())
                .setAttribute(PARTITION, (long) record.getPartition())
                .setAttribute(OFFSET, record.getOffset())
                .setAttribute(GROUP, group)
                .setAttribute(TYPE, type)
                .startSpan();
        if (id != null) {
            span.setAttribute(MESSAGE_ID, id);
        }
        return parent.with(span);
    }

    static void attemptFailed(Context context, String handler, int attempt, Throwable failure) {
        Span span = Span.fromContext(context);
        span.recordException(failure, Attributes.of(HANDLER, handler, ATTEMPT, (long) attempt));
    }

    static void retry(Context context, int attempt, long backoffMillis) {
        Span.fromContext(context).addEvent("kafka-events.retry",
                Attributes.of(ATTEMPT, (long) attempt, BACKOFF, backoffMillis));
    }

    static void deadLettered(Context context, String topic, String reason, int attempts) {
        Span span = Span.fromContext(context);
        span.addEvent("kafka-events.dead-letter",
                Attributes.of(DEAD_LETTER_TOPIC, topic, REASON, reason, ATTEMPT, (long) attempts));
        span.setStatus(StatusCode.ERROR, reason);
    }

    static void end(Context context, int attempts) {
        Span span = Span.fromContext(context);
        span.setAttribute(ATTEMPT, (long) attempts);
        span.end();
    }
}
