package io.quarkiverse.kafkaevents.benchmarks.consume;

import io.quarkiverse.kafkaevents.benchmarks.Tally;
import io.smallrye.reactive.messaging.PausableChannel;

/**
 * A SmallRye incoming channel (a plain {@code @Incoming} method or an {@code @EventHandler}'s generated channel),
 * started paused, resumed for the measurement and paused again: SmallRye's own pausable channels.
 */
public final class PausableChannelContestant implements ConsumeContestant {

    private final String name;
    private final PausableChannel channel;
    private final Tally tally;

    public PausableChannelContestant(String name, PausableChannel channel, Tally tally) {
        if (channel == null) {
            throw new IllegalStateException(name + ": its channel is not pausable; check application.properties and"
                    + " PausableHandlerChannels");
        }
        this.name = name;
        this.channel = channel;
        this.tally = tally;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Tally tally() {
        return tally;
    }

    @Override
    public void start() {
        channel.resume();
    }

    @Override
    public void stop() {
        channel.pause();
    }
}
