package io.quarkiverse.kafkaevents.runtime.internal.publish;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.function.BiConsumer;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.core.Vertx;

/**
 * Sends records straight to the Kafka producer of the publisher channel (the one SmallRye configured from
 * {@code mp.messaging.outgoing.kafka-events-publisher.*}, reached through its {@link KafkaClientService}): no
 * per-record message, no emitter buffer. Back-pressure is the producer's own: {@code send} blocks the caller for up to
 * {@code max.block.ms} while {@code buffer.memory} is full (or the topic's metadata is unknown), then fails; a caller
 * on an event loop never waits: its send is handed to one sending thread ({@link SendHandOff}).
 * <p>
 * With OpenTelemetry and a trace active, each send gets a producer span (child of the trace) whose context goes into
 * the {@code traceparent} header; otherwise tracing costs nothing. A send started on a Vert.x context completes on it,
 * never on the producer's network thread.
 * <p>
 * Every send is watched ({@link SendWatch}): a record larger than its topic takes is refused before the producer sees
 * it, a send unanswered past {@code delivery.timeout.ms} fails, and a dead network thread is reported.
 */
public final class ProducerSends {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

    private static final TextMapSetter<Headers> HEADER_SETTER = (headers, name, value) -> {
        headers.remove(name);
        headers.add(name, value.getBytes(UTF_8));
    };

    private final KafkaClientService clients;
    private final String channel;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final SendWatch watch;
    private final SendHandOff handOff;
    private volatile Producer<String, byte[]> producer;

    ProducerSends(KafkaClientService clients, String channel, OpenTelemetry openTelemetry, TopicLimits limits) {
        this.clients = clients;
        this.channel = channel;
        this.watch = new SendWatch(channel, limits);
        this.handOff = new SendHandOff(channel);
        this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("io.quarkiverse.kafkaevents");
        this.propagator = openTelemetry == null ? null : openTelemetry.getPropagators().getTextMapPropagator();
    }

    /**
     * Sends the record; the {@code Uni} completes when the broker acknowledged it. {@code trace} is the parent of the
     * producer span, the current context when {@code null}.
     *
     * @throws IllegalStateException (as the {@code Uni}'s failure) when the channel's producer does not exist yet
     */
    public Uni<RecordMetadata> send(ProducerRecord<String, byte[]> record, Context trace) {
        return Uni.createFrom().emitter(emitter -> send(record, trace, (metadata, failure) -> {
            if (failure == null) {
                emitter.complete(metadata);
            } else {
                emitter.fail(failure);
            }
        }));
    }

    /**
     * Sends the record and calls {@code done} once, with the broker's answer or the failure ({@link Refused} when the
     * producer did not take the record, or the record is larger than its topic takes): on the caller's Vert.x context
     * when it had one, otherwise on the producer's network thread, the watch's thread, or, for a refusal, the calling
     * thread. A send the producer leaves unanswered past {@code delivery.timeout.ms} (plus a margin) fails with a
     * {@link org.apache.kafka.common.errors.TimeoutException} saying so.
     */
    public void send(ProducerRecord<String, byte[]> record, Context trace, BiConsumer<RecordMetadata, Exception> done) {
        Producer<String, byte[]> target;
        try {
            target = producer();
        } catch (RuntimeException e) {
            done.accept(null, new Refused(e));
            return;
        }
        String refusal = watch.refusal(record);
        if (refusal != null) {
            done.accept(null, new Refused(new SendWatch.TooLarge(refusal)));
            return;
        }
        SendWatch.Send send = watch.start(Vertx.currentContext(), span(record, trace), done);
        if (send == null) {
            return;
        }
        if (io.vertx.core.Context.isOnEventLoopThread() || handOff.busy()) {
            if (!handOff.offer(() -> sendNow(target, record, send))) {
                send.returned = true;
                send.onCompletion(null, new Refused(new KafkaException(SendHandOff.CAPACITY + " sends from event"
                        + " loops already wait for the producer of " + channel + " (buffer.memory full, or a topic's"
                        + " metadata unknown, for max.block.ms)")));
            }
            return;
        }
        sendNow(target, record, send);
    }

    private static void sendNow(Producer<String, byte[]> target, ProducerRecord<String, byte[]> record,
            SendWatch.Send send) {
        if (!send.pending()) {
            // expired while it waited for the hand-off thread: its caller has its answer, the record is not sent
            return;
        }
        send.sending = Thread.currentThread();
        try {
            target.send(record, send);
            send.returned = true;
        } catch (RuntimeException e) {
            // refused before it was queued: buffer full for max.block.ms, unknown topic metadata, closed producer
            send.returned = true;
            send.onCompletion(null, new Refused(e));
        }
    }

    /** What is wrong with the producer, for liveness: empty while it answers its sends. */
    public java.util.List<String> problems() {
        return watch.problems();
    }

    /** Stops watching the sends. */
    public void close() {
        handOff.close();
        watch.close();
    }

    /**
     * A record the producer did not take: its buffer stayed full (or the topic unknown) for max.block.ms, or it is
     * closed.
     */
    public static final class Refused extends RuntimeException {
        public Refused(Exception cause) {
            super(cause.getMessage() + (cause instanceof TimeoutException
                    ? " (the producer's buffer.memory stayed full, or the topic's metadata unknown, for max.block.ms)"
                    : ""), cause);
        }
    }

    /** A producer span under {@code trace}, its context written to the record's headers; none without a trace. */
    private Span span(ProducerRecord<String, byte[]> record, Context trace) {
        if (tracer == null) {
            return null;
        }
        Context parent = trace != null ? trace : Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return null;
        }
        Span span = tracer.spanBuilder(record.topic() + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(OPERATION, "publish")
                .startSpan();
        propagator.inject(parent.with(span), record.headers(), HEADER_SETTER);
        return span;
    }

    static void end(Span span, RecordMetadata metadata, Exception failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        } else if (metadata != null) {
            span.setAttribute(PARTITION, (long) metadata.partition());
            span.setAttribute(OFFSET, metadata.offset());
        }
        span.end();
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            io.smallrye.reactive.messaging.kafka.KafkaProducer<String, byte[]> channelProducer = clients
                    .getProducer(channel);
            if (channelProducer == null) {
                throw new IllegalStateException("the Kafka producer of channel " + channel
                        + " does not exist yet: Reactive Messaging has not started its channels (publish from a"
                        + " StartupEvent observer or later)");
            }
            current = channelProducer.unwrap();
            watch.watch(channelProducer.configuration());
            producer = current;
        }
        return current;
    }
}
