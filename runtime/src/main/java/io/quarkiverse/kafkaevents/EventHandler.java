package io.quarkiverse.kafkaevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that handles events of one {@link EventTopic} type, consumed from the type's topic in this
 * service's consumer group.
 * <p>
 * Signature: the first parameter is the event type; an optional second parameter is {@link EventContext}. The
 * method returns {@code void} (it then runs on a worker thread, never on the event loop), or
 * {@code Uni<Void>} / {@code CompletionStage<Void>} (non-blocking). When it completes normally the record is
 * acknowledged; when it throws or fails, it is retried according to {@code quarkus.kafka-events.failure.*} and then
 * the record goes to the dead-letter topic; either way the consumer goes on with the next record.
 *
 * <pre>
 * &#64;EventHandler
 * void on(OrderPlaced event, EventContext context) {
 *     ...
 * }
 * </pre>
 *
 * The class declaring handler methods becomes a {@code @Singleton} bean unless it declares a scope itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface EventHandler {

    /**
     * The consumer group of this handler; defaults to {@code quarkus.kafka-events.group-id}, itself defaulting to
     * {@code <environment>.<quarkus.application.name>} (for example {@code dev.orders-service}). Handlers with
     * different groups each receive every event. A group named here is used as written in every environment; it may be
     * a configuration expression, such as {@code "${quarkus.kafka-events.environment}.audit"}.
     */
    String group() default "";

    /**
     * Whether this handler handles each event at most once per consumer group, through the database inbox: before the
     * handler is called, the event's CloudEvents {@code id} is claimed for the handler and its group in the inbox
     * table, in a JTA transaction the extension begins, and the handler's own database writes (and the events it
     * publishes with {@code outbox} delivery) commit or roll back with that claim. An event whose claim already
     * committed is skipped. Needs a blocking ({@code void}) handler of one event, a JTA transaction manager and a JDBC
     * datasource; {@code quarkus.kafka-events.handlers."<class>#<method>".inbox} overrides it, and
     * {@code quarkus.kafka-events.inbox.enabled} sets it for every handler that says nothing.
     */
    boolean inbox() default false;

    /**
     * Whether this handler's work is exactly-once on Kafka: the events it publishes (with {@code immediate} delivery),
     * and its dead-letter and retry records, are sent in a Kafka transaction together with the offset of the record
     * it handled, so they become visible to {@code read_committed} consumers if and only if the record counts as
     * handled. A failed call's events are never sent. Needs a blocking ({@code void}) handler of one event, without
     * {@code key-concurrency}; {@code quarkus.kafka-events.handlers."<class>#<method>".kafka-transaction} overrides it,
     * and {@code quarkus.kafka-events.transactions.enabled} sets it for every handler that says nothing. Handlers of one
     * consumer group and topic share their consumers, so they share this choice: one in a transaction puts all in one.
     */
    boolean kafkaTransaction() default false;
}
