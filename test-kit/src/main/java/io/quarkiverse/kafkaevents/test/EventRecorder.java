package io.quarkiverse.kafkaevents.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.Outbox;
import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;

/**
 * Inject it in a {@code @QuarkusTest} to await and assert the events the application published to Kafka (the real
 * dev broker), the records it dead-lettered, and to {@linkplain #session() track} an action until everything it
 * caused has settled.
 * <p>
 * Each test sees only what was written since it started: before each {@code @QuarkusTest} method the recorder takes
 * the end offsets of the application's topics as its baseline (call {@link #reset()} yourself elsewhere, e.g. in a
 * {@code QuarkusExtensionTest}). Every event it returns was decoded to its class and matched its type's build-time
 * JSON Schema; one that does not fails the test.
 */
@Singleton
@Unremovable
public class EventRecorder {

    /** How long the waits without a timeout argument wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final EventRouting routing;
    private final RecordReader reader;
    private final Topology topology;
    private final KitMonitor monitor;
    private final Instance<Outbox> outbox;
    private final Map<String, Object> kafkaConfig;
    private TopicTails tails;

    EventRecorder(EventRouting routing, ObjectMapper mapper, Topology topology, KitMonitor monitor,
            Instance<Outbox> outbox, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.routing = routing;
        this.reader = new RecordReader(mapper, routing);
        this.topology = topology;
        this.monitor = monitor;
        this.outbox = outbox;
        this.kafkaConfig = kafkaConfig;
    }

    /**
     * Takes the baseline as soon as the recorder is made (injected into the test): outside {@code @QuarkusTest}, where
     * no callback resets it, a test sees what happened from its first injection on.
     */
    @PostConstruct
    synchronized void start() {
        tails();
    }

    /** Forgets everything read so far: from now on, only records written after this call are seen. */
    public synchronized void reset() {
        tails().reset();
    }

    /** The topic events of this class are published to (resolved under the running profile). */
    public String topicOf(Class<?> eventClass) {
        return route(eventClass).topic();
    }

    /** The events of this class published since the test started, reading their topic to its current end. */
    public synchronized <T> List<RecordedEvent<T>> events(Class<T> eventClass) {
        EventRouting.Route route = route(eventClass);
        tails().catchUp(DEFAULT_TIMEOUT);
        return decode(route, eventClass, tails.records(route.topic()));
    }

    /** Waits (at most 30 s) for an event of this class that matches; returns the first one. */
    public <T> RecordedEvent<T> awaitEvent(Class<T> eventClass, Predicate<? super RecordedEvent<T>> matching) {
        return awaitEvent(eventClass, matching, DEFAULT_TIMEOUT);
    }

    /** Waits for an event of this class that matches; returns the first one. */
    public <T> RecordedEvent<T> awaitEvent(Class<T> eventClass, Predicate<? super RecordedEvent<T>> matching,
            Duration timeout) {
        return awaitEvents(eventClass, 1, matching, timeout).get(0);
    }

    /** Waits (at most 30 s) until {@code count} events of this class match; returns all that match, at least them. */
    public <T> List<RecordedEvent<T>> awaitEvents(Class<T> eventClass, int count,
            Predicate<? super RecordedEvent<T>> matching) {
        return awaitEvents(eventClass, count, matching, DEFAULT_TIMEOUT);
    }

    /** Waits until {@code count} events of this class match; returns all that match, at least {@code count}. */
    public <T> List<RecordedEvent<T>> awaitEvents(Class<T> eventClass, int count,
            Predicate<? super RecordedEvent<T>> matching, Duration timeout) {
        long start = System.nanoTime();
        List<RecordedEvent<T>> all;
        List<RecordedEvent<T>> found;
        while (true) {
            all = events(eventClass);
            found = new ArrayList<>();
            for (RecordedEvent<T> event : all) {
                if (matching.test(event)) {
                    found.add(event);
                }
            }
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                break;
            }
            sleep(POLL_MILLIS);
        }
        throw new AssertionError("Expected " + count + " " + route(eventClass).info().getType()
                + " event(s) matching the condition on " + topicOf(eventClass) + " within " + timeout.toMillis()
                + " ms, found " + found.size() + "; " + describe(all));
    }

    /**
     * Watches for {@code within}: fails at once, naming the record, when an event of this class that matches is
     * published (or was since the test started).
     */
    public <T> void assertNotPublished(Class<T> eventClass, Predicate<? super RecordedEvent<T>> matching,
            Duration within) {
        long start = System.nanoTime();
        do {
            for (RecordedEvent<T> event : events(eventClass)) {
                if (matching.test(event)) {
                    throw new AssertionError("Expected no " + route(eventClass).info().getType()
                            + " event matching the condition within " + within.toMillis() + " ms, but one was"
                            + " published (seen after " + (System.nanoTime() - start) / 1_000_000 + " ms): " + event);
                }
            }
            sleep(POLL_MILLIS);
        } while (System.nanoTime() - start < within.toNanos());
    }

    /** The records dead-lettered since the test started, from every dead-letter topic of the application. */
    public synchronized List<DeadLetter> deadLetters() {
        tails().catchUp(DEFAULT_TIMEOUT);
        List<DeadLetter> letters = new ArrayList<>();
        for (String topic : topology.deadLetterTopics()) {
            for (ConsumerRecord<byte[], byte[]> record : tails.records(topic)) {
                letters.add(reader.deadLetter(record));
            }
        }
        return letters;
    }

    /** Waits (at most 30 s) for a dead letter that matches; returns it. */
    public DeadLetter awaitDeadLetter(Predicate<? super DeadLetter> matching) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        List<DeadLetter> all;
        do {
            all = deadLetters();
            for (DeadLetter letter : all) {
                if (matching.test(letter)) {
                    return letter;
                }
            }
            sleep(POLL_MILLIS);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("No dead letter matching the condition within " + DEFAULT_TIMEOUT.toSeconds()
                + " s; dead letters since the test started: " + all);
    }

    /** A tracked session with the defaults (30 s timeout, 2 s quiet window, no failure expected), to configure. */
    public TrackedSession session() {
        return new TrackedSession(this);
    }

    /** Runs the action in a tracked session with the defaults; see {@link TrackedSession#run}. */
    public SessionReport track(TrackedSession.Action action) {
        return session().run(action);
    }

    // for TrackedSession

    synchronized Map<TopicPartition, Long> catchUp() {
        tails().catchUp(DEFAULT_TIMEOUT);
        return tails.ends();
    }

    /** What the handler groups have not committed yet among the records read since the baseline. */
    synchronized List<String> unhandled() {
        return topology.unhandled(tails());
    }

    /** Outbox rows not sent yet, 0 without an outbox. */
    long outboxPending() {
        if (!outbox.isResolvable()) {
            return 0;
        }
        long[] backlog = outbox.get().backlog();
        return backlog == null ? 0 : backlog[0];
    }

    KitMonitor monitor() {
        return monitor;
    }

    synchronized <T> List<RecordedEvent<T>> eventsFrom(Class<T> eventClass, Map<TopicPartition, Long> from) {
        EventRouting.Route route = route(eventClass);
        tails().catchUp(DEFAULT_TIMEOUT);
        return decode(route, eventClass, after(tails.records(route.topic()), from));
    }

    synchronized List<DeadLetter> deadLettersFrom(Map<TopicPartition, Long> from) {
        tails().catchUp(DEFAULT_TIMEOUT);
        List<DeadLetter> letters = new ArrayList<>();
        for (String topic : topology.deadLetterTopics()) {
            for (ConsumerRecord<byte[], byte[]> record : after(tails.records(topic), from)) {
                letters.add(reader.deadLetter(record));
            }
        }
        return letters;
    }

    private static List<ConsumerRecord<byte[], byte[]>> after(List<ConsumerRecord<byte[], byte[]>> records,
            Map<TopicPartition, Long> from) {
        List<ConsumerRecord<byte[], byte[]>> after = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Long start = from.get(new TopicPartition(record.topic(), record.partition()));
            if (start == null || record.offset() >= start) {
                after.add(record);
            }
        }
        return after;
    }

    private <T> List<RecordedEvent<T>> decode(EventRouting.Route route, Class<T> eventClass,
            List<ConsumerRecord<byte[], byte[]>> records) {
        List<RecordedEvent<T>> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            RecordedEvent<T> event = reader.read(record, route, eventClass);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    private EventRouting.Route route(Class<?> eventClass) {
        TreeSet<String> known = new TreeSet<>();
        for (EventRouting.Route route : routing.routes()) {
            if (route.info().getClassName().equals(eventClass.getName())) {
                return route;
            }
            known.add(route.info().getClassName());
        }
        throw new IllegalArgumentException(eventClass.getName()
                + " is not an event type of this application (no @EventTopic); its event types: " + known);
    }

    private static String describe(List<? extends RecordedEvent<?>> all) {
        if (all.isEmpty()) {
            return "none of that type was published since the test started";
        }
        int shown = Math.min(all.size(), 5);
        return all.size() + " of that type published since the test started: " + all.subList(0, shown)
                + (all.size() > shown ? " and " + (all.size() - shown) + " more" : "");
    }

    private TopicTails tails() {
        if (tails == null) {
            tails = new TopicTails(kafkaConfig);
            tails.watch(topology.watchedTopics());
        }
        return tails;
    }

    @PreDestroy
    synchronized void close() {
        if (tails != null) {
            tails.close();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
