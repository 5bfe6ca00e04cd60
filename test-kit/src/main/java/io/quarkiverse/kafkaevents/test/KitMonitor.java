package io.quarkiverse.kafkaevents.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.quarkiverse.kafkaevents.EventMonitor;
import io.quarkiverse.kafkaevents.EventObservation;

/**
 * The test kit's {@link EventMonitor}: counts everything the extension reports (a tracked session is quiet while the
 * count does not move) and keeps the handler failures, which sessions report.
 */
@Singleton
class KitMonitor implements EventMonitor {

    private final AtomicLong activity = new AtomicLong();
    private final List<HandlerFailure> failures = new ArrayList<>();

    long activity() {
        return activity.get();
    }

    synchronized int failureCount() {
        return failures.size();
    }

    synchronized List<HandlerFailure> failuresSince(int mark) {
        return List.copyOf(failures.subList(Math.min(mark, failures.size()), failures.size()));
    }

    @Override
    public void failed(EventObservation observation) {
        activity.incrementAndGet();
        HandlerFailure failure = new HandlerFailure(observation.eventType(), observation.topic(),
                observation.partition(), observation.offset(), observation.group(), observation.handler(),
                observation.attempt(), observation.failure());
        synchronized (this) {
            failures.add(failure);
        }
    }

    @Override
    public void published(EventObservation observation) {
        activity.incrementAndGet();
    }

    @Override
    public void received(EventObservation observation) {
        activity.incrementAndGet();
    }

    @Override
    public void handled(EventObservation observation) {
        activity.incrementAndGet();
    }

    @Override
    public void retried(EventObservation observation) {
        activity.incrementAndGet();
    }

    @Override
    public void deadLettered(EventObservation observation) {
        activity.incrementAndGet();
    }

    @Override
    public void skipped(EventObservation observation) {
        activity.incrementAndGet();
    }
}
