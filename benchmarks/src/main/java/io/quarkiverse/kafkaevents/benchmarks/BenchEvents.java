package io.quarkiverse.kafkaevents.benchmarks;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;

/**
 * The event types of the benchmark. One class per (format, topic), because the extension sets the format and the
 * topic per event type ({@code application.properties}); the JSON of all of them is the same.
 */
public final class BenchEvents {

    private BenchEvents() {
    }

    /** What the raw clients and the plain SmallRye channels write and read: not an extension event type. */
    public static class RawEvent extends BenchEvent {
    }

    @EventTopic(value = "bench-binary-p1", pluralize = false)
    public static class BinaryP1 extends BenchEvent implements DistributedEvent {
    }

    @EventTopic(value = "bench-binary-p6", pluralize = false)
    public static class BinaryP6 extends BenchEvent implements DistributedEvent {
    }

    @EventTopic(value = "bench-structured-p1", pluralize = false)
    public static class StructuredP1 extends BenchEvent implements DistributedEvent {
    }

    @EventTopic(value = "bench-structured-p6", pluralize = false)
    public static class StructuredP6 extends BenchEvent implements DistributedEvent {
    }

    @EventTopic(value = "bench-plain-p1", pluralize = false)
    public static class PlainP1 extends BenchEvent implements DistributedEvent {
    }

    @EventTopic(value = "bench-plain-p6", pluralize = false)
    public static class PlainP6 extends BenchEvent implements DistributedEvent {
    }

    /** Read by the consume benchmark's handlers (the topic is pre-filled by a raw producer). */
    @EventTopic(value = "bench-consume", pluralize = false)
    public static class ConsumeEvent extends BenchEvent implements DistributedEvent {
    }

    /** Published and handled by the extension in the latency benchmark. */
    @EventTopic(value = "bench-latency", pluralize = false)
    public static class LatencyEvent extends BenchEvent implements DistributedEvent {
    }

    /** Published through the outbox, one or more per JTA transaction (the outbox scenario's throughput part). */
    @EventTopic(value = "bench-outbox", pluralize = false)
    public static class OutboxEvent extends BenchEvent implements DistributedEvent {
    }

    /** Published directly (immediate delivery) inside a JTA transaction: the outbox scenario's baseline. */
    @EventTopic(value = "bench-outbox-direct", pluralize = false)
    public static class DirectTxEvent extends BenchEvent implements DistributedEvent {
    }

    /** Published through the outbox and handled by {@code OutboxLatencyHandler} (the outbox scenario's latency part). */
    @EventTopic(value = "bench-latency-outbox", pluralize = false)
    public static class OutboxLatencyEvent extends BenchEvent implements DistributedEvent {
    }

    /** Published by the handling benchmark's handlers, one per event they handle. */
    @EventTopic(value = "bench-relayed", pluralize = false)
    public static class RelayedEvent extends BenchEvent implements DistributedEvent {
    }
}
