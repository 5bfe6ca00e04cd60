package io.quarkiverse.kafkaevents.benchmarks.publish;

import java.util.function.Function;
import java.util.function.Supplier;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;

/** The extension, one event at a time: {@link EventPublisher#publish(Object)}, in the format of the event type. */
public final class EventPublisherContestant implements PublishContestant {

    private final String name;
    private final EventPublisher publisher;
    private final Function<PublishTarget, Supplier<BenchEvent>> eventType;

    /** @param eventType the event type to publish to a target, which decides the format */
    public EventPublisherContestant(String name, EventPublisher publisher,
            Function<PublishTarget, Supplier<BenchEvent>> eventType) {
        this.name = name;
        this.publisher = publisher;
        this.eventType = eventType;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void publish(PublishTarget target, int count, Window window) {
        Supplier<BenchEvent> type = eventType.apply(target);
        for (int i = 0; i < count; i++) {
            window.acquire(1);
            publisher.publish(Events.next(type)).subscribe().with(ignored -> window.acknowledged(1),
                    failure -> window.failed(1, failure));
        }
    }
}
