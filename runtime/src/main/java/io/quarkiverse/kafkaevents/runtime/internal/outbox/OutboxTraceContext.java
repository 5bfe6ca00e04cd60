package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The W3C trace context of the publishing span, kept in the outbox row's {@code trace_context} column: the
 * {@code traceparent}, followed by a space and the {@code tracestate} when there is one. When the row is sent (fast
 * path or relay), the context is made the parent of the producer span of the send ({@code ProducerSends}), so the record's
 * {@code traceparent} header continues the publishing trace.
 * <p>
 * Without OpenTelemetry (or with no span active at publish time) the current span is invalid, nothing is stored, and
 * the record is sent as before.
 */
final class OutboxTraceContext {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    /** The size of the column. */
    static final int MAX_LENGTH = 512;

    private static final TextMapSetter<Map<String, String>> SETTER = new TextMapSetter<>() {
        @Override
        public void set(Map<String, String> carrier, String key, String value) {
            if (carrier != null) {
                carrier.put(key, value);
            }
        }
    };

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private OutboxTraceContext() {
    }

    /** The trace context of the current span, or {@code null} when no valid span is current. */
    static String capture() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(4);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, SETTER);
        String parent = carrier.get(TRACEPARENT);
        if (parent == null || parent.isEmpty()) {
            return null;
        }
        String state = carrier.get(TRACESTATE);
        if (state == null || state.isEmpty()) {
            return parent;
        }
        String both = parent + " " + state;
        return both.length() <= MAX_LENGTH ? both : parent;
    }

    /** The context a stored trace context stands for, or {@code null} when there is none (or it is unreadable). */
    static Context restore(String stored) {
        if (stored == null || stored.isBlank()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(4);
        int space = stored.indexOf(' ');
        if (space < 0) {
            carrier.put(TRACEPARENT, stored.trim());
        } else {
            carrier.put(TRACEPARENT, stored.substring(0, space));
            carrier.put(TRACESTATE, stored.substring(space + 1).trim());
        }
        Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, GETTER);
        return Span.fromContext(context).getSpanContext().isValid() ? context : null;
    }
}
