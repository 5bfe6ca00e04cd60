package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.ShutdownBudget;
import io.quarkiverse.kafkaevents.runtime.internal.contracts.EventValidation;
import io.quarkiverse.kafkaevents.runtime.internal.failure.FailureOutcome;
import io.quarkiverse.kafkaevents.runtime.internal.failure.PersistentWrites;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.AttemptRunner;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.ChannelTransactions;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.OffsetCommits;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.PartitionOffsets;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionLanes;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.PartitionProgress;
import io.quarkiverse.kafkaevents.runtime.internal.handle.route.HandlerTopology;
import io.quarkiverse.kafkaevents.runtime.internal.handle.route.PartitionRun;
import io.quarkiverse.kafkaevents.runtime.internal.handle.route.RecordHandler;
import io.quarkiverse.kafkaevents.runtime.internal.handle.route.SkippedRecords;
import io.quarkiverse.kafkaevents.runtime.internal.handle.route.UnexpectedFailures;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.quarkiverse.kafkaevents.runtime.internal.publish.TransactionScope;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.core.Vertx;

/**
 * The intake of the handler channels, and what health checks, metrics and the Dev UI ask about them. Routes the
 * records of each handler channel to the generated {@link EventInvoker}s of their consumer group, by CloudEvents type.
 * <ul>
 * <li>Records of one partition are handled one after the other; partitions side by side ({@link PartitionLanes}), a
 * run of records of a partition drained on one worker thread when the channel has blocking handlers.</li>
 * <li>A record at the head of its lane is decoded and routed ({@link RecordHandler}), and its handlers called
 * ({@link AttemptRunner}).</li>
 * <li>A failed handler is retried with backoff (mode {@code in-process}: a non-blocking timer, only its partition
 * waits; mode {@code retry-topics}: the record moves to the next retry topic, whose channel waits until it is due),
 * then the record goes to the dead-letter topic; unreadable records go there at once. Each failed handler is judged by
 * its own failure and retry policy ({@link FailureOutcome}).</li>
 * <li>A record is acknowledged when its handlers succeeded, it was skipped, or its dead-letter (or retry) record was
 * acknowledged by the broker; such a write is tried until it succeeds ({@link PersistentWrites}), so a record is never
 * acknowledged before what it leads to is written.</li>
 * <li>Offsets are committed by the extension ({@link OffsetCommits}), per partition up to the first record not
 * acknowledged: every {@code commit-interval} (1 s by default), on revocation and on shutdown.</li>
 * </ul>
 * Handlers of one type are called one after the other, in the order of their class and method names; only the failed
 * ones are retried.
 */
@Singleton
public class HandlerDispatcher {

    private static final Logger LOG = Logger.getLogger(HandlerDispatcher.class);

    private final HandlerTopology topology;
    private final FailureOutcome failures;
    private final RecordHandler records;
    private final PartitionRun runs;
    private final UnexpectedFailures unexpected;
    private final Vertx vertx;
    private final Duration revocationTimeout;
    private final Duration commitInterval;
    private final ShutdownBudget budget;
    private volatile boolean stopping;
    private final IntakeGate intake = new IntakeGate();

    HandlerDispatcher(@All List<EventInvoker> invokers, ObjectMapper mapper, KafkaEventsConfig config,
            KafkaEventsFixedConfig fixedConfig, KafkaEventPublisher publisher, EventRouting routing,
            Instance<EventFailureHandler> failureHandlers, EventMonitors monitors, EventTracing tracing,
            KafkaClientService clients, Vertx vertx, ShutdownBudget budget, TransactionScope transactions,
            EventValidation validation) {
        this.vertx = vertx;
        this.budget = budget;
        this.revocationTimeout = config.shutdown().revocationTimeout();
        this.commitInterval = config.commitInterval();
        this.topology = new HandlerTopology(invokers, routing, fixedConfig.failure().mode(), config,
                clients);
        AttemptRunner attempts = new AttemptRunner(monitors, vertx, () -> stopping, transactions);
        this.failures = new FailureOutcome(attempts, invokers, config, fixedConfig.failure().mode(), publisher,
                failureHandlers);
        attempts.failures(failures);
        this.records = new RecordHandler(topology, mapper, failures, attempts, tracing,
                new SkippedRecords(config.logUnhandledTypes()), routing, config, validation);
        this.unexpected = new UnexpectedFailures(failures);
        this.runs = new PartitionRun(records, attempts, tracing, vertx, unexpected);
    }

    /** Queues the records of one poll of the channel ({@link PolledBatch}); called by the generated channel bean. */
    public Uni<Void> dispatchBatch(String channel, Message<?> batch) {
        return PolledBatch.dispatch(this, channel, batch);
    }

    /** The record's lane of its partition: by the hash of its key (by offset when it has none). */
    private static int slot(int lanes, ConsumerRecord<?, ?> record) {
        if (lanes == 1) {
            return 0;
        }
        Object key = record.key();
        return key == null ? (int) (record.offset() % lanes) : Math.floorMod(key.hashCode(), lanes);
    }

    /**
     * Queues the records of one partition from one poll (in offset order) behind its earlier records: each record as
     * a task of its lane (of its key's lane, with ordering by key), or on a channel with batch handlers all of them as
     * one task ({@link PartitionRun}). What does not change within the poll (the partition's offsets, generation and
     * progress slot) is looked up once. The returned {@code Uni} completes when the records are queued; each record is
     * finished once handled.
     */
    Uni<Void> dispatch(String channel, TopicPartition partition, List<? extends ConsumerRecord<?, ?>> polled) {
        HandlerChannel handlers = topology.channel(channel);
        if (handlers == null) {
            LOG.errorf("Kafka Events received records on channel %s it has no handlers for; skipping %d records of %s",
                    channel, polled.size(), partition);
            return PartitionLanes.DONE;
        }
        if (polled.isEmpty()) {
            return PartitionLanes.DONE;
        }
        // the stopping check and the generation read as one decision against the shutdown's drain (IntakeGate)
        if (!intake.enter()) {
            // not finished: their offsets are not committed, the next owner of the partition handles them
            return PartitionLanes.DONE;
        }
        try {
            return queue(handlers, partition, polled);
        } finally {
            intake.exit();
        }
    }

    /** {@link #dispatch}, inside the intake gate. */
    private Uni<Void> queue(HandlerChannel handlers, TopicPartition partition,
            List<? extends ConsumerRecord<?, ?>> polled) {
        ChannelTransactions transactions = handlers.commits.transactions();
        if (transactions != null && !transactions.accepts(partition, polled.get(0).offset())) {
            // polled before its partition was started again from its committed offset: those records come again
            return PartitionLanes.DONE;
        }
        Revocation revoked = new Revocation(handlers, partition, handlers.generation(partition));
        PartitionOffsets offsets = handlers.commits.of(partition);
        handlers.commits.start(vertx, commitInterval);
        if (handlers.batched) {
            PartitionProgress.Slot progress = handlers.progress.slot(partition, 0);
            List<PolledRecord> records = new ArrayList<>(polled.size());
            for (ConsumerRecord<?, ?> record : polled) {
                records.add(received(record, partition, offsets, progress));
            }
            return handlers.lanes.submit(partition, 0, records.size(), () -> run(handlers, records, revoked));
        }
        if (handlers.keyLanes == 1 && handlers.blocking) {
            // one lane drained on a worker: the poll's records of the partition queued under one lock (a lane of
            // non-blocking handlers is drained in place by each submit instead: the poll's records are handled
            // while the consumer fetches the next one, and build no backlog)
            PartitionProgress.Slot progress = handlers.progress.slot(partition, 0);
            List<Supplier<Uni<Void>>> tasks = new ArrayList<>(polled.size());
            for (ConsumerRecord<?, ?> consumed : polled) {
                PolledRecord record = transactions == null ? received(consumed, partition, offsets, progress)
                        : transactional(consumed, partition, offsets, progress, transactions, revoked);
                tasks.add(() -> handle(handlers, record, revoked));
            }
            return handlers.lanes.submitAll(partition, 0, tasks);
        }
        PartitionProgress.Slot[] slots = new PartitionProgress.Slot[handlers.keyLanes];
        Uni<Void> admitted = PartitionLanes.DONE;
        for (ConsumerRecord<?, ?> consumed : polled) {
            int slot = slot(handlers.keyLanes, consumed);
            if (slots[slot] == null) {
                slots[slot] = handlers.progress.slot(partition, slot);
            }
            PolledRecord record = received(consumed, partition, offsets, slots[slot]);
            Uni<Void> queued = handlers.lanes.submit(partition, slot, () -> handle(handlers, record, revoked));
            admitted = queued != PartitionLanes.DONE ? queued : admitted;
        }
        return admitted;
    }

    /** Registers a record received: its partition's offset is not committed past it until it is finished. */
    private static PolledRecord received(ConsumerRecord<?, ?> record, TopicPartition partition,
            PartitionOffsets offsets, PartitionProgress.Slot progress) {
        long timestamp = record.timestamp();
        offsets.received(record.offset(), timestamp < 0 ? System.currentTimeMillis() : timestamp);
        return new PolledRecord(record, partition, offsets, progress);
    }

    /** {@link #received} for a channel in Kafka transactions: the record's outputs go to its consumer's one. */
    private static PolledRecord transactional(ConsumerRecord<?, ?> record, TopicPartition partition,
            PartitionOffsets offsets, PartitionProgress.Slot progress, ChannelTransactions transactions,
            BooleanSupplier revoked) {
        long timestamp = record.timestamp();
        offsets.received(record.offset(), timestamp < 0 ? System.currentTimeMillis() : timestamp);
        return new PolledRecord(record, partition, offsets, progress, transactions.outputs(partition, revoked));
    }

    /**
     * One record at the head of its lane. An unexpected failure of its routing or handling (thrown here, or failing
     * its work) ends in a decision ({@link UnexpectedFailures}), never in a record left unfinished in silence.
     */
    private Uni<Void> handle(HandlerChannel handlers, PolledRecord record, Revocation revoked) {
        long offset = record.offset();
        if (revoked.getAsBoolean()) {
            return PartitionLanes.DONE;
        }
        Uni<Void> work;
        try {
            work = handlers.retry ? records.handleWhenDue(handlers, record, revoked)
                    : records.handle(handlers, record, null, revoked);
        } catch (Throwable e) {
            work = unexpected.decide(handlers, record, e, revoked);
        }
        if (work == PartitionLanes.DONE) {
            record.progress().done(offset, offset);
            return work;
        }
        return work.onFailure().recoverWithUni(failure -> {
            Uni<Void> decided = unexpected.decide(handlers, record, failure, revoked);
            return decided == PartitionLanes.DONE ? Uni.createFrom().voidItem() : decided;
        }).onTermination().invoke(() -> record.progress().done(offset, offset));
    }

    /** The records of a partition from one poll, on a channel with batch handlers. */
    private Uni<Void> run(HandlerChannel handlers, List<PolledRecord> polled, Revocation revoked) {
        if (revoked.getAsBoolean()) {
            return PartitionLanes.DONE;
        }
        try {
            return runs.handle(handlers, revoked.partition, polled, revoked);
        } catch (Throwable e) {
            // routing failed: the poll's records not finished yet are decided for, one after the other
            PolledRecord first = polled.get(0);
            long last = polled.get(polled.size() - 1).offset();
            Uni<Void> decided = unexpected.decideAll(handlers, polled, e, revoked);
            if (decided == PartitionLanes.DONE) {
                first.progress().done(first.offset(), last);
                return decided;
            }
            return decided.onTermination().invoke(() -> first.progress().done(first.offset(), last));
        }
    }

    /**
     * Whether the partition was revoked from this instance after the records of a poll were dispatched (or the
     * application is stopping): its new owner handles them (their offsets were not committed), so this instance must
     * not. One per partition and poll.
     */
    private record Revocation(HandlerChannel handlers, TopicPartition partition, int generation)
            implements
                BooleanSupplier {

        @Override
        public boolean getAsBoolean() {
            if (handlers.generation(partition) == generation) {
                return false;
            }
            LOG.debugf("Partition %s was revoked: dropping its records dispatched before (group %s), its new owner"
                    + " handles them", partition, handlers.group);
            return true;
        }
    }

    /**
     * Called by the rebalance listener, on the consumer's polling thread: records of these partitions still queued or
     * waiting to retry are dropped, handler calls running on them get up to the revocation timeout to finish, and what
     * was finished of them is committed (unless they were lost: then nothing can be committed any more).
     */
    void revoked(Consumer<?, ?> consumer, String group,
            Collection<TopicPartition> partitions, boolean lost) {
        for (HandlerChannel handlers : topology.channels()) {
            if (!handlers.consumerGroup.equals(group)) {
                continue;
            }
            List<TopicPartition> mine = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                if (handlers.reads(partition.topic())) {
                    handlers.revoke(partition);
                    mine.add(partition);
                }
            }
            if (lost) {
                handlers.commits.forget(mine);
            } else if (!mine.isEmpty() && !stopping) {
                HandlerShutdown.awaitRunning(handlers, mine, revocationTimeout);
                handlers.commits.commitAndForget(consumer, mine);
            } else if (!mine.isEmpty()) {
                // SmallRye closing the consumers after the stop: the drain has waited and the final commit was tried
                // already; what is left of the shutdown budget, if anything, goes to one more try
                handlers.commits.commitAndForget(consumer, mine, budget.remaining());
            }
        }
    }

    /**
     * On shutdown, before SmallRye closes the consumers: drains, then commits what was acknowledged, both within the
     * one shutdown budget shared with the outbox's stop.
     */
    void onStop(@Observes ShutdownEvent event) {
        long start = System.nanoTime();
        stopping = true;
        int inside = intake.close(budget.remaining());
        if (inside > 0) {
            LOG.warnf("Kafka Events: %d poll(s) still being queued at the shutdown timeout; their records may be handled"
                    + " after the final commit and delivered again", inside);
        }
        HandlerShutdown.drain(topology.channels(), budget.remaining());
        HandlerShutdown.commit(topology.channels(), vertx, budget);
        LOG.infof("Kafka Events handlers stopped in %d ms (shutdown.timeout %d ms)",
                Duration.ofNanos(System.nanoTime() - start).toMillis(), budget.timeout().toMillis());
    }

    /** After SmallRye closed the consumers: the channels' transactional producers close. */
    @jakarta.annotation.PreDestroy
    void close() {
        for (HandlerChannel handlers : topology.channels()) {
            handlers.commits.close();
        }
    }

    /** The CloudEvents types handled by at least one handler. */
    public Set<String> handledTypes() {
        return topology.handledTypes();
    }

    /** The labels ({@code <class name>#<method name>}) of the handler methods. */
    public Set<String> handlerLabels() {
        return new TreeSet<>(failures.handlerLabels());
    }

    /** The handler channels: their groups, topics, progress and counters. */
    public HandlerTopology topology() {
        return topology;
    }

    /** The channels with handlers. */
    public Set<String> channels() {
        return topology.channelNames();
    }

    /** The event topics each handler channel reads, by channel (retry channels are not included). */
    public Map<String, Set<String>> topics() {
        return topology.topics();
    }

    /**
     * The retry topics of an event topic: in mode {@code retry-topics}, one per retry of its handler with the most
     * attempts; otherwise none.
     */
    public List<String> retryTopics(String topic) {
        return failures.retryTopics(topic, topology.invokersOf(topic));
    }

    /** The dead-letter topic of a source topic, or {@code null} when dead-lettering is disabled. */
    public String deadLetterTopic(String topic) {
        return failures.deadLetterTopic(topic);
    }

}
