package io.quarkiverse.kafkaevents.runtime.internal.failure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.opentelemetry.context.Context;
import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.Attempt;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.AttemptRunner;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.FailedAttempts;
import io.quarkiverse.kafkaevents.runtime.internal.handle.call.HandlerCalls;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.KafkaEventContext;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.PolledRecord;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RecordOrigin;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventMonitors;
import io.quarkiverse.kafkaevents.runtime.internal.observability.EventTracing;
import io.quarkiverse.kafkaevents.runtime.internal.observability.Mdc;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * What happens to a record after some of its handlers failed. Each failed handler is judged on its own: by the
 * application's {@link EventFailureHandler}, then by its own retry policy and its own exception.
 * <ul>
 * <li>Handlers to retry are retried together, after the longest of their backoffs (in process, or through the next
 * retry topic).</li>
 * <li>Handlers that are out of attempts, or whose failure is not retryable, send the record to the dead-letter topic
 * once, naming them; handlers skipped by the failure handler are dropped.</li>
 * </ul>
 * The record is acknowledged only once every write this leads to was acknowledged by the broker, and the retried
 * handlers are done.
 */
public final class FailureOutcome implements FailedAttempts {

    private static final Logger LOG = Logger.getLogger(FailureOutcome.class);

    private final AttemptRunner attempts;
    /** The retry policy of each handler, by handler label. */
    private final Map<String, RetryPolicy> policies;
    private final DeadLetters deadLetters;
    private final RetryTopics retryTopics;
    private final PersistentWrites writes;
    private final Instance<EventFailureHandler> failureHandlers;

    public FailureOutcome(AttemptRunner attempts, List<EventInvoker> invokers, KafkaEventsConfig config,
            KafkaEventsFixedConfig.FailureMode mode, KafkaEventPublisher publisher,
            Instance<EventFailureHandler> failureHandlers) {
        this.attempts = attempts;
        this.failureHandlers = failureHandlers;
        this.retryTopics = mode == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS ? new RetryTopics(publisher) : null;
        this.policies = policies(invokers, config, mode);
        this.deadLetters = config.failure().deadLetter().enabled()
                ? new DeadLetters(publisher, config.failure().deadLetter().suffix())
                : null;
        this.writes = new PersistentWrites(config.failure().writeRetryMaxBackoff());
    }

    /**
     * The retry policy of every handler: global settings, overridden by its event type's, overridden by its own.
     */
    private static Map<String, RetryPolicy> policies(List<EventInvoker> invokers, KafkaEventsConfig config,
            KafkaEventsFixedConfig.FailureMode mode) {
        Map<String, RetryPolicy> policies = new HashMap<>();
        for (EventInvoker invoker : invokers) {
            policies.put(invoker.handler(), RetryPolicy.of(config.failure(), mode, config.events().get(invoker.type()),
                    config.handlers().get(invoker.handler())));
        }
        return Map.copyOf(policies);
    }

    public Set<String> handlerLabels() {
        return policies.keySet();
    }

    @Override
    public Uni<Void> after(Attempt record, KafkaEventContext context, Attempt.Retry retry,
            List<Attempt.Failed> failed) {
        HandlerChannel handlers = record.handlers();
        int attempt = retry.attempt();
        Instant first = retry.firstFailure() != null ? retry.firstFailure() : Instant.now();
        List<EventInvoker> again = new ArrayList<>();
        List<Attempt.Failed> givenUp = new ArrayList<>();
        Duration backoff = Duration.ZERO;
        for (Attempt.Failed failure : failed) {
            EventInvoker invoker = failure.invoker();
            EventFailureHandler.Decision decision = HandlerCalls.decide(failureHandlers, invoker,
                    record.events().get(invoker.eventClass()), context, failure.failure(), attempt);
            RetryPolicy policy = policies.get(invoker.handler());
            if (decision == EventFailureHandler.Decision.SKIP) {
                Object[] saved = Mdc.push(context);
                try {
                    LOG.infof("Handler %s failed for record %s (attempt %d); the failure handler chose to skip it",
                            invoker.handler(), context, attempt);
                } finally {
                    Mdc.restore(saved);
                }
                attempts.observe(EventMonitors.Kind.SKIPPED, record.type(), record.record(), handlers.group,
                        invoker.handler(), attempt, null, failure.failure());
                continue;
            }
            boolean retryIt = switch (decision) {
                case RETRY -> attempt < policy.maxAttempts();
                case DEFAULT -> attempt < policy.maxAttempts() && policy.retryable(failure.failure());
                default -> false;
            };
            if (!retryIt) {
                givenUp.add(failure);
                continue;
            }
            again.add(invoker);
            Duration wait = policy.backoff(attempt);
            if (wait.compareTo(backoff) > 0) {
                backoff = wait;
            }
            Object[] saved = Mdc.push(context);
            try {
                LOG.warnf("Handler %s failed for record %s (type %s, group %s, attempt %d of %d): %s; retrying in %d ms%s",
                        invoker.handler(), context, record.type(), handlers.group, attempt, policy.maxAttempts(),
                        failure.failure(), wait.toMillis(), retryTopics == null ? ""
                                : " through retry topic " + RetryTopics.topic(retry.origin().topic(), attempt));
            } finally {
                Mdc.restore(saved);
            }
            attempts.observe(EventMonitors.Kind.RETRIED, record.type(), record.record(), handlers.group,
                    invoker.handler(), attempt, wait, failure.failure());
        }
        Uni<Void> deadLettered = Uni.createFrom().voidItem();
        if (!givenUp.isEmpty()) {
            StringBuilder reason = new StringBuilder();
            String destination = destination(retry.origin().topic());
            for (Attempt.Failed failure : givenUp) {
                Object[] saved = Mdc.push(context);
                try {
                    LOG.errorf(failure.failure(),
                            "Handler %s failed for record %s (type %s, group %s) after %d attempt(s); %s",
                            failure.invoker().handler(), context, record.type(), handlers.group, attempt, destination);
                } finally {
                    Mdc.restore(saved);
                }
                reason.append(reason.length() == 0 ? "" : "; ").append("handler ")
                        .append(failure.invoker().handler()).append(" failed: ").append(failure.failure());
            }
            deadLettered = deadLetter(handlers, record.record(), retry.origin().topic(),
                    retry.origin(), record.type(),
                    reason.toString(), givenUp.get(0).failure(), attempt, first, record.trace(), record.revoked());
        }
        if (again.isEmpty()) {
            return deadLettered.chain(record.record()::finish);
        }
        Duration delay = backoff;
        EventTracing.retry(record.trace(), attempt, delay.toMillis());
        if (retryTopics != null) {
            String retryTopic = RetryTopics.topic(retry.origin().topic(), attempt);
            List<String> labels = again.stream().map(EventInvoker::handler).toList();
            return deadLettered.chain(() -> writes.write(handlers, record.record(), retryTopic,
                    () -> retryTopics.forward(record.record(), retry.origin().topic(), retry.origin(),
                            record.record().value(), handlers.group, attempt, delay, first, labels),
                    giveUp(record.revoked())))
                    .chain(record.record()::finish);
        }
        long dueMillis = System.currentTimeMillis() + delay.toMillis();
        return deadLettered
                .invoke(() -> record.record().progress().waiting(record.record().offset(), dueMillis))
                .onItem().delayIt().by(delay)
                .chain(() -> attempts.attempt(record, List.copyOf(again),
                        new Attempt.Retry(retry.origin(), attempt + 1, first)));
    }

    private BooleanSupplier giveUp(BooleanSupplier revoked) {
        return () -> revoked.getAsBoolean() || attempts.stopping();
    }

    /**
     * What happens to a record given up on, for the log line: the dead-letter topic it is written to, or that it is
     * skipped.
     */
    private String destination(String sourceTopic) {
        return deadLetters == null
                ? "dead-letter topics are disabled (quarkus.kafka-events.failure.dead-letter.enabled=false): skipping it"
                : "writing it to dead-letter topic " + deadLetters.topicFor(sourceTopic);
    }

    /**
     * A record that cannot be handled at all: never retried. {@code id} and {@code type} are those of its CloudEvent
     * when it could be read that far, {@code null} otherwise.
     */
    public Uni<Void> poison(HandlerChannel handlers, PolledRecord record, RecordOrigin origin, String id, String type,
            String reason, Throwable failure, BooleanSupplier revoked) {
        Object[] saved = Mdc.push(id, type, record.topic(), record.partition(), record.offset());
        try {
            LOG.warnf("Record %s (group %s) cannot be handled: %s; %s", record, handlers.group, reason,
                    destination(handlers.sourceTopic(record.topic())));
        } finally {
            Mdc.restore(saved);
        }
        return deadLetter(handlers, record, handlers.sourceTopic(record.topic()), origin, null, reason,
                failure, 0, Instant.now(), null, revoked)
                .chain(record::finish);
    }

    /** Writes the dead-letter record (until the broker takes it); does not acknowledge the source record. */
    private Uni<Void> deadLetter(HandlerChannel handlers, PolledRecord record, String sourceTopic, RecordOrigin origin,
            String type,
            String reason, Throwable failure, int attempts, Instant firstFailure, Context trace,
            BooleanSupplier revoked) {
        if (deadLetters == null) {
            // already said by the failure's own log line
            return Uni.createFrom().voidItem();
        }
        String deadLetterTopic = deadLetters.topicFor(sourceTopic);
        return writes.write(handlers, record, deadLetterTopic,
                () -> deadLetters.write(record, sourceTopic, origin, handlers.group, reason,
                        failure, attempts, firstFailure),
                giveUp(revoked))
                .invoke(() -> {
                    if (trace != null) {
                        EventTracing.deadLettered(trace, deadLetterTopic, reason, attempts);
                    }
                    this.attempts.observe(EventMonitors.Kind.DEAD_LETTERED, type == null ? "unreadable" : type, record,
                            handlers.group, null, attempts, null, failure);
                });
    }

    /**
     * The retry topics of an event topic: in mode {@code retry-topics}, one per retry of the handler of its types
     * with the most attempts; otherwise none.
     */
    public List<String> retryTopics(String topic, List<EventInvoker> invokers) {
        if (retryTopics == null) {
            return List.of();
        }
        int maxAttempts = 1;
        for (EventInvoker invoker : invokers) {
            maxAttempts = Math.max(maxAttempts, policies.get(invoker.handler()).maxAttempts());
        }
        return RetryTopics.topics(topic, maxAttempts);
    }

    public String deadLetterTopic(String topic) {
        return deadLetters == null ? null : deadLetters.topicFor(topic);
    }
}
