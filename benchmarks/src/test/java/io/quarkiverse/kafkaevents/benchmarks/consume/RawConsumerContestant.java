package io.quarkiverse.kafkaevents.benchmarks.consume;

import io.quarkiverse.kafkaevents.benchmarks.RawConsumerLoop;
import io.quarkiverse.kafkaevents.benchmarks.RawKafka;
import io.quarkiverse.kafkaevents.benchmarks.Tally;

/** The baseline: a {@link RawConsumerLoop} that counts the events it deserialized. */
public final class RawConsumerContestant implements ConsumeContestant, AutoCloseable {

    private final Tally tally = new Tally();
    private final RawConsumerLoop loop;

    public RawConsumerContestant(RawKafka kafka, String topic) {
        this.loop = new RawConsumerLoop(kafka, topic, "bench-raw", tally::record);
    }

    @Override
    public String name() {
        return "raw KafkaConsumer";
    }

    @Override
    public Tally tally() {
        return tally;
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() throws InterruptedException {
        loop.stop();
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
    }
}
