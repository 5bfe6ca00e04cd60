package io.quarkiverse.kafkaevents.runtime.internal.observability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Iterator;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * The parent of a handler span comes from the record's {@code traceparent} header; without OpenTelemetry the headers
 * are not read. The propagating no-op {@link OpenTelemetry} returns the parent's span context as the new span's, which
 * shows which parent was used.
 */
class EventTracingTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String PRODUCER = "b7ad6b7169203331";
    static final String OTHER = "00f067aa0ba902b7";

    final EventTracing tracing = new EventTracing(
            OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance())));

    @Test
    void parentIsTheRecordsTraceparent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + TRACE + "-" + PRODUCER + "-01").getBytes(UTF_8));
        headers.add("tracestate", "vendor=value".getBytes(UTF_8));
        SpanContext span = spanOf(tracing.start(record(headers), "OrderPlaced", "group", "id-1"));
        assertEquals(TRACE, span.getTraceId());
        assertEquals(PRODUCER, span.getSpanId());
        assertEquals("value", span.getTraceState().get("vendor"));
    }

    @Test
    void theLastTraceparentWins() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + TRACE + "-" + OTHER + "-01").getBytes(UTF_8));
        headers.add("traceparent", ("00-" + TRACE + "-" + PRODUCER + "-01").getBytes(UTF_8));
        assertEquals(PRODUCER, spanOf(tracing.start(record(headers), "OrderPlaced", "group", null)).getSpanId());
    }

    @Test
    void withoutTraceparentTheCurrentContextIsTheParent() {
        SpanContext current = SpanContext.createFromRemoteParent(TRACE, OTHER,
                TraceFlags.getSampled(), TraceState.getDefault());
        try (var scope = Context.root().with(Span.wrap(current)).makeCurrent()) {
            assertEquals(OTHER,
                    spanOf(tracing.start(record(new RecordHeaders()), "OrderPlaced", "group", null)).getSpanId());
        }
        assertFalse(spanOf(tracing.start(record(new RecordHeaders()), "OrderPlaced", "group", null)).isValid(),
                "no header, nothing current: a new trace (none with the no-op tracer)");
    }

    @Test
    void withoutOpenTelemetryTheHeadersAreNotRead() {
        Headers untouchable = new RecordHeaders() {
            @Override
            public Header lastHeader(String key) {
                throw new AssertionError("read " + key);
            }

            @Override
            public Iterable<Header> headers(String key) {
                throw new AssertionError("read " + key);
            }

            @Override
            public Iterator<Header> iterator() {
                throw new AssertionError("read");
            }
        };
        Context context = new EventTracing(OpenTelemetry.noop()).start(record(untouchable), "OrderPlaced",
                "group", "id-1");
        assertFalse(spanOf(context).isValid());
    }

    private static SpanContext spanOf(Context context) {
        return Span.fromContext(context).getSpanContext();
    }

    private static ConsumerRecord<String, byte[]> record(Headers headers) {
        return new ConsumerRecord<>("test.sales.public.orders", 1, 42L, 0L, TimestampType.CREATE_TIME, 0, 0, "key",
                new byte[0], headers, Optional.empty());
    }
}
