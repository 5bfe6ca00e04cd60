package io.quarkiverse.kafkaevents.benchmarks.publish;

import java.util.function.Supplier;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvent;
import io.quarkiverse.kafkaevents.benchmarks.BenchEvents;

/**
 * A topic of the publish benchmark, with the extension event types that go there (one per format, configured in
 * {@code application.properties}).
 */
public enum PublishTarget {

    ONE_PARTITION("bench.publish.p1", 1, BenchEvents.BinaryP1::new, BenchEvents.StructuredP1::new,
            BenchEvents.PlainP1::new),
    SIX_PARTITIONS("bench.publish.p6", 6, BenchEvents.BinaryP6::new, BenchEvents.StructuredP6::new,
            BenchEvents.PlainP6::new);

    public final String topic;
    public final int partitions;
    public final Supplier<BenchEvent> binary;
    public final Supplier<BenchEvent> structured;
    public final Supplier<BenchEvent> plain;

    PublishTarget(String topic, int partitions, Supplier<BenchEvent> binary, Supplier<BenchEvent> structured,
            Supplier<BenchEvent> plain) {
        this.topic = topic;
        this.partitions = partitions;
        this.binary = binary;
        this.structured = structured;
        this.plain = plain;
    }

    public String label() {
        return "publish, " + partitions + (partitions == 1 ? " partition" : " partitions");
    }
}
