package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;

/**
 * Watches the sends of one channel's producer so that none stays unanswered and a broken producer is visible:
 * <ul>
 * <li>refuses, before the producer sees it, a record larger than its topic's {@code max.message.bytes}
 * ({@link TopicLimits}), sized as the producer sizes it (key, value, headers and the batch overhead; not when the
 * producer compresses, since the broker checks the compressed size);</li>
 * <li>fails a send the producer has not answered within {@code delivery.timeout.ms} plus {@link #MARGIN_MILLIS}
 * (the producer answers every send within {@code delivery.timeout.ms} while it works);</li>
 * <li>notices the death of the producer's network thread ({@code kafka-producer-network-thread | <client.id>}),
 * after which nothing is sent any more: sends waiting fail at once, new ones are refused.</li>
 * </ul>
 * Either is reported by {@link #problems()} (liveness) and logged as an ERROR once. Costs one set insertion and
 * removal per send; a single daemon thread checks the sends in flight every second.
 */
final class SendWatch {

    private static final Logger LOG = Logger.getLogger(SendWatch.class);
    /** Added to {@code delivery.timeout.ms}: the producer's own expiry comes first while it works. */
    static final long MARGIN_MILLIS = 2_000;
    static final String NETWORK_THREAD_PREFIX = "kafka-producer-network-thread | ";

    private final String channel;
    private final TopicLimits limits;
    private final Set<Send> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger overdue = new AtomicInteger();
    private volatile ScheduledExecutorService timer;
    private volatile long deliveryTimeoutMillis = 120_000;
    private volatile boolean checkSizes = true;
    private volatile String clientId = "?";
    private volatile Thread networkThread;
    private volatile Throwable networkThreadDeath;
    private volatile boolean overdueLogged;
    private volatile boolean checkFailureLogged;

    SendWatch(String channel, TopicLimits limits) {
        this.channel = channel;
        this.limits = limits;
    }

    /** Starts watching the producer created with {@code configuration} (once, when it is first used). */
    synchronized void watch(Map<String, ?> configuration) {
        if (timer != null) {
            return;
        }
        deliveryTimeoutMillis = millis(configuration.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), 120_000);
        Object compression = configuration.get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        checkSizes = compression == null || "none".equals(String.valueOf(compression).trim());
        Object id = configuration.get(ProducerConfig.CLIENT_ID_CONFIG);
        clientId = id == null ? "?" : id.toString();
        if (limits != null) {
            limits.batchSize((int) millis(configuration.get(ProducerConfig.BATCH_SIZE_CONFIG), 16_384));
        }
        ScheduledExecutorService created = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kafka-events-send-watch");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, Math.min(1_000, (deliveryTimeoutMillis + MARGIN_MILLIS) / 4));
        created.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
        timer = created;
    }

    /**
     * Why the record is refused before it is sent ({@code null} when it is not): larger than its topic takes, or the
     * producer's network thread is dead.
     */
    String refusal(ProducerRecord<String, byte[]> record) {
        if (networkThreadDeath != null) {
            return null; // refused by start(): not a size problem
        }
        if (!checkSizes || limits == null) {
            return null;
        }
        int limit = limits.maxMessageBytes(record.topic());
        if (limit <= 0) {
            return null;
        }
        if (roughSize(record) <= limit) {
            return null;
        }
        int size = size(record);
        if (size <= limit) {
            return null;
        }
        limits.refused(record.topic());
        return "its record is " + size + " bytes (key, value, headers and batch overhead, as the producer counts them),"
                + " more than topic " + record.topic() + " takes (max.message.bytes=" + limit + "); it was not sent"
                + " (RecordTooLargeException)";
    }

    /**
     * At least {@link #size}, without encoding anything: the batch and record overheads at their largest, three bytes
     * per character of the key and of header names.
     */
    static long roughSize(ProducerRecord<String, byte[]> record) {
        long size = 61 + 21 + 15 + (record.value() == null ? 0 : record.value().length)
                + (record.key() == null ? 0 : 3L * record.key().length());
        for (Header header : record.headers()) {
            size += 10 + 3L * header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** The size the producer gives the record, as a batch of its own, uncompressed. */
    static int size(ProducerRecord<String, byte[]> record) {
        String key = record.key();
        Header[] headers = record.headers().toArray();
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value(), headers);
    }

    /**
     * A send about to be handed to the producer; {@code null} when the producer's network thread is dead: then
     * {@code done} has been called with the refusal, and nothing is to be sent.
     */
    Send start(io.vertx.core.Context caller, Span span, BiConsumer<RecordMetadata, Exception> done) {
        Send send = new Send(caller, span, done);
        Throwable death = networkThreadDeath;
        if (death != null) {
            send.returned = true;
            send.onCompletion(null, new ProducerSends.Refused(new KafkaException(deadMessage(death))));
            return null;
        }
        inFlight.add(send);
        return send;
    }

    /** What is wrong, for liveness: empty while the producer answers its sends. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(2);
        Throwable death = networkThreadDeath;
        if (death != null) {
            problems.add(deadMessage(death));
        }
        int late = overdue.get();
        if (late > 0) {
            problems.add(late + " send(s) of channel " + channel + " (client.id " + clientId + ") not answered by the"
                    + " Kafka producer within delivery.timeout.ms (" + deliveryTimeoutMillis + " ms) plus "
                    + MARGIN_MILLIS + " ms");
        }
        return problems;
    }

    void close() {
        ScheduledExecutorService current = timer;
        if (current != null) {
            current.shutdownNow();
        }
    }

    private String deadMessage(Throwable death) {
        return "the Kafka producer's network thread '" + NETWORK_THREAD_PREFIX + clientId + "' of channel " + channel
                + " died (" + death + "): no event is sent any more until the application restarts";
    }

    /** Every second: the network thread, then the sends past their bound. */
    private void check() {
        try {
            watchNetworkThread();
            long now = System.nanoTime();
            long bound = TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMillis + MARGIN_MILLIS);
            Throwable death = networkThreadDeath;
            for (Send send : inFlight) {
                if (death != null || now - send.start > bound) {
                    send.expire(death != null ? new KafkaException(deadMessage(death))
                            : new TimeoutException("not answered by the Kafka producer within delivery.timeout.ms ("
                                    + deliveryTimeoutMillis + " ms) plus " + MARGIN_MILLIS + " ms: its network thread ("
                                    + NETWORK_THREAD_PREFIX + clientId + ") is stuck or dead"));
                }
            }
            if (overdue.get() > 0 && !overdueLogged) {
                overdueLogged = true;
                LOG.errorf("The Kafka producer of channel %s (client.id %s) has left %d send(s) unanswered for longer"
                        + " than delivery.timeout.ms (%d ms): they were failed, and liveness is DOWN while it does",
                        channel, clientId, overdue.get(), deliveryTimeoutMillis);
            } else if (overdue.get() == 0) {
                overdueLogged = false;
            }
        } catch (RuntimeException e) {
            if (!checkFailureLogged) {
                checkFailureLogged = true;
                LOG.warnf(e, "Checking the sends of channel %s failed; unanswered sends and a dead producer thread"
                        + " may go unreported until a check succeeds (further failures at DEBUG)", channel);
            } else {
                LOG.debugf(e, "Checking the sends of channel %s failed", channel);
            }
        }
    }

    /**
     * Finds the producer's network thread once, and learns of its death from its uncaught-exception handler. Threads of
     * the same name may be left by producers of earlier applications in the same JVM (tests): the newest one not yet
     * watched is this producer's.
     */
    private void watchNetworkThread() {
        if (networkThread != null) {
            return;
        }
        String name = NETWORK_THREAD_PREFIX + clientId;
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        Thread found = null;
        for (int i = 0; i < count; i++) {
            Thread thread = threads[i];
            if (name.equals(thread.getName()) && thread.isAlive()
                    && !DeathWatch.class.getName().equals(thread.getUncaughtExceptionHandler().getClass().getName())
                    && (found == null || thread.getId() > found.getId())) {
                found = thread;
            }
        }
        if (found != null) {
            found.setUncaughtExceptionHandler(new DeathWatch(found.getUncaughtExceptionHandler()));
            networkThread = found;
        }
    }

    /** Learns of the network thread's death, then hands the error to the thread's own handler. */
    private final class DeathWatch implements Thread.UncaughtExceptionHandler {
        private final Thread.UncaughtExceptionHandler previous;

        DeathWatch(Thread.UncaughtExceptionHandler previous) {
            this.previous = previous;
        }

        @Override
        public void uncaughtException(Thread dying, Throwable error) {
            networkThreadDeath = error;
            try {
                LOG.errorf(error, "%s; liveness is DOWN", deadMessage(error));
            } finally {
                if (previous != null) {
                    previous.uncaughtException(dying, error);
                }
            }
        }
    }

    /** A record larger than its topic takes, refused before the producer saw it. */
    static final class TooLarge extends RecordTooLargeException {
        TooLarge(String message) {
            super(message);
        }
    }

    private static long millis(Object value, long otherwise) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value != null) {
            try {
                return Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }
        return otherwise;
    }

    /**
     * One send: answered once, by the producer or by the watch. States: 0 waiting, 1 answered, 2 failed by the watch,
     * 3 answered by the producer after that.
     */
    final class Send extends AtomicInteger implements Callback {

        private final transient io.vertx.core.Context caller;
        /** The thread calling the producer's send (the caller's, or the hand-off thread's). */
        transient volatile Thread sending = Thread.currentThread();
        private final transient Span span;
        private final transient BiConsumer<RecordMetadata, Exception> done;
        final long start = System.nanoTime();
        /** Whether the producer's send call has returned (a callback before that is a refusal). */
        volatile boolean returned;

        Send(io.vertx.core.Context caller, Span span, BiConsumer<RecordMetadata, Exception> done) {
            this.caller = caller;
            this.span = span;
            this.done = done;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            inFlight.remove(this);
            if (!compareAndSet(0, 1)) {
                if (compareAndSet(2, 3)) {
                    overdue.decrementAndGet();
                }
                return;
            }
            // the producer calls back inside send() for a record it refuses outright (too large, say)
            Exception outcome = failure != null && !returned && Thread.currentThread() == sending
                    && !(failure instanceof ProducerSends.Refused)
                            ? new ProducerSends.Refused(failure)
                            : failure;
            answer(metadata, outcome);
        }

        /** Whether it has no answer yet. */
        boolean pending() {
            return get() == 0;
        }

        void expire(Exception failure) {
            inFlight.remove(this);
            if (compareAndSet(0, 2)) {
                overdue.incrementAndGet();
                answer(null, failure);
            }
        }

        private void answer(RecordMetadata metadata, Exception outcome) {
            if (span != null) {
                ProducerSends.end(span, metadata, outcome);
            }
            if (caller == null) {
                done.accept(metadata, outcome);
            } else {
                caller.runOnContext(ignored -> done.accept(metadata, outcome));
            }
        }
    }
}
