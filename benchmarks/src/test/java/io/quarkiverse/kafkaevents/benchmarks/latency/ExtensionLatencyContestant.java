package io.quarkiverse.kafkaevents.benchmarks.latency;

import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.LatencyEvent;
import io.quarkiverse.kafkaevents.benchmarks.Events;
import io.quarkiverse.kafkaevents.benchmarks.LatencyRecorder;

/** {@code EventPublisher.publish} (binary) to a non-blocking {@code @EventHandler} ({@code LatencyHandler}). */
public final class ExtensionLatencyContestant implements LatencyContestant {

    private final EventPublisher publisher;
    private final LatencyRecorder recorder;
    private final LatencyRecorder acknowledgements = new LatencyRecorder();
    private final LongAdder failures = new LongAdder();

    public ExtensionLatencyContestant(EventPublisher publisher, LatencyRecorder recorder) {
        this.publisher = publisher;
        this.recorder = recorder;
    }

    @Override
    public String name() {
        return "EventPublisher -> @EventHandler (Uni)";
    }

    @Override
    public void send(long sentAt) {
        publisher.publish(Events.next(LatencyEvent::new, sentAt)).subscribe().with(
                ignored -> acknowledgements.record(sentAt), failure -> failures.increment());
    }

    @Override
    public LatencyRecorder recorder() {
        return recorder;
    }

    @Override
    public LatencyRecorder acknowledgements() {
        return acknowledgements;
    }

    @Override
    public long failures() {
        return failures.sum();
    }
}
