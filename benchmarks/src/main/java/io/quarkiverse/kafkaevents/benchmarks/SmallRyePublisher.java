package io.quarkiverse.kafkaevents.benchmarks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * The plain SmallRye contestant of the publish benchmark: a {@link MutinyEmitter} on an outgoing channel configured
 * by hand, with the same overflow buffer as the extension's {@code kafka-events-publisher} emitter.
 */
@ApplicationScoped
public class SmallRyePublisher {

    public static final String CHANNEL = "bench-smallrye-out";

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<byte[]> emitter;

    public MutinyEmitter<byte[]> emitter() {
        return emitter;
    }
}
