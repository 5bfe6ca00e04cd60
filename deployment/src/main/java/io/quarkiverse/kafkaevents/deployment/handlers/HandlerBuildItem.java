package io.quarkiverse.kafkaevents.deployment.handlers;

import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkus.builder.item.MultiBuildItem;

/**
 * One valid {@code @EventHandler} method, with the channel it is bridged to.
 */
public final class HandlerBuildItem extends MultiBuildItem {

    private final MethodInfo method;
    private final EventTypeBuildItem eventType;
    private final String group;
    private final int kind;
    private final boolean withContext;
    private final boolean batch;
    private final String channel;

    public HandlerBuildItem(MethodInfo method, EventTypeBuildItem eventType, String group, int kind,
            boolean withContext, boolean batch, String channel) {
        this.method = method;
        this.eventType = eventType;
        this.group = group;
        this.kind = kind;
        this.withContext = withContext;
        this.batch = batch;
        this.channel = channel;
    }

    public MethodInfo method() {
        return method;
    }

    public String beanClass() {
        return method.declaringClass().name().toString();
    }

    /** {@code Class#method}, for messages. */
    public String label() {
        return beanClass() + "#" + method.name();
    }

    public EventTypeBuildItem eventType() {
        return eventType;
    }

    /** The group from the annotation; empty for the configured default. */
    public String group() {
        return group;
    }

    /** One of the {@code EventInvoker} kinds. */
    public int kind() {
        return kind;
    }

    public boolean withContext() {
        return withContext;
    }

    /** Whether the handler takes a {@code List} of events (and then a {@code List} of contexts). */
    public boolean batch() {
        return batch;
    }

    /** Whether the annotation asks for the database inbox ({@code inbox = true}). */
    public boolean inbox() {
        AnnotationValue inbox = method.annotation(HandlersProcessor.EVENT_HANDLER).value("inbox");
        return inbox != null && inbox.asBoolean();
    }

    /** Whether the annotation asks for a Kafka transaction ({@code kafkaTransaction = true}). */
    public boolean kafkaTransaction() {
        AnnotationValue transaction = method.annotation(HandlersProcessor.EVENT_HANDLER).value("kafkaTransaction");
        return transaction != null && transaction.asBoolean();
    }

    public String channel() {
        return channel;
    }

    /** The generated invoker, in the handler's package so it may call package-private methods. */
    public String invokerClassName() {
        return beanClass() + "_" + method.name() + "_" + Integer.toHexString(method.toString().hashCode())
                + "_KafkaEventsInvoker";
    }
}
