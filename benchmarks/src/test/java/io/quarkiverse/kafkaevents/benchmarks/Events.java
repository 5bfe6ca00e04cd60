package io.quarkiverse.kafkaevents.benchmarks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Creates the events of all contestants the same way: one sequence (the key), the current time. */
public final class Events {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Events() {
    }

    public static <T extends BenchEvent> T next(Supplier<? extends BenchEvent> type) {
        return next(type, System.nanoTime());
    }

    public static <T extends BenchEvent> T next(Supplier<? extends BenchEvent> type, long sentAt) {
        return type.get().fill(SEQUENCE.incrementAndGet(), sentAt);
    }
}
