package io.quarkiverse.kafkaevents.runtime.internal.observability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * Spans of handled records. Each record routed to handlers gets a span covering every attempt, child of the
 * publisher's producer span: its parent is read from the record's own {@code traceparent} (and {@code tracestate})
 * header with the application's propagator. The connector's tracing is off for handler channels (its per-record
 * consumer span would only sit between the two), so this is the record's only consumer span. The handlers run with it
 * current, so what they do, publishing included, joins the trace. Failed attempts, retries and dead-lettering are
 * recorded as span events.
 * <p>
 * Without {@code quarkus-opentelemetry} there is no {@link OpenTelemetry} bean: the headers are not read, no span is
 * built, and handlers run in the root context.
 */
@Singleton
public class EventTracing {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> TYPE = AttributeKey.stringKey("kafka-events.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kafka-events.attempt");
    static final AttributeKey<String> HANDLER = AttributeKey.stringKey("kafka-events.handler");
    static final AttributeKey<Long> BACKOFF = AttributeKey.longKey("kafka-events.backoff.ms");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("kafka-events.reason");
    static final AttributeKey<String> DEAD_LETTER_TOPIC = AttributeKey.stringKey("kafka-events.dead-letter.topic");

    /** Reads the last header of a name, as UTF-8. */
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            Set<String> names = new LinkedHashSet<>();
            for (Header header : carrier) {
                names.add(header.key());
            }
            return names;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
        }
    };

    private final Tracer tracer;
    /** {@code null} without OpenTelemetry (or with no propagator): the records' headers are then not read at all. */
    private final TextMapPropagator propagator;
    /** {@code false} without OpenTelemetry: no span is built (not even a no-op one), handlers run in the root context. */
    private final boolean enabled;

    @Inject
    EventTracing(Instance<OpenTelemetry> openTelemetry) {
        this(openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop());
    }

    EventTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.quarkiverse.kafkaevents");
        TextMapPropagator textMap = openTelemetry.getPropagators().getTextMapPropagator();
        this.propagator = textMap == TextMapPropagator.noop() ? null : textMap;
        this.enabled = openTelemetry != OpenTelemetry.noop();
    }

    /**
     * Starts the span of a record's handling, child of the context in the record's {@code traceparent} header (the
     * current context when it has none); its context is the one handlers run in.
     */
    public Context start(ConsumerRecord<?, ?> record, String type, String group, String id) {
        if (!enabled) {
            return Context.root();
        }
        Context parent = propagator == null ? Context.current()
                : propagator.extract(Context.current(), record.headers(), HEADERS);
        Span span = tracer.spanBuilder(record.topic() + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(PARTITION, (long) record.partition())
                .setAttribute(OFFSET, record.offset())
                .setAttribute(GROUP, group)
                .setAttribute(TYPE, type)
                .startSpan();
        if (id != null) {
            span.setAttribute(MESSAGE_ID, id);
        }
        return parent.with(span);
    }

    public static void attemptFailed(Context context, String handler, int attempt, Throwable failure) {
        Span span = Span.fromContext(context);
        span.recordException(failure, Attributes.of(HANDLER, handler, ATTEMPT, (long) attempt));
    }

    public static void retry(Context context, int attempt, long backoffMillis) {
        Span.fromContext(context).addEvent("kafka-events.retry",
                Attributes.of(ATTEMPT, (long) attempt, BACKOFF, backoffMillis));
    }

    public static void deadLettered(Context context, String topic, String reason, int attempts) {
        Span span = Span.fromContext(context);
        span.addEvent("kafka-events.dead-letter",
                Attributes.of(DEAD_LETTER_TOPIC, topic, REASON, reason, ATTEMPT, (long) attempts));
        span.setStatus(StatusCode.ERROR, reason);
    }

    public static void end(Context context, int attempts) {
        Span span = Span.fromContext(context);
        span.setAttribute(ATTEMPT, (long) attempts);
        span.end();
    }
}
