package io.quarkiverse.kafkaevents.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.benchmarks.BenchEvents.RawEvent;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The plain SmallRye contestants of the consume benchmark: {@code @Incoming} methods on channels configured by hand
 * ({@code application.properties}), reading the JSON with the application's {@link ObjectMapper}, each in its own
 * consumer group. Quarkus runs a {@code void} {@code @Incoming} method on a worker thread, one record at a time, unless
 * it is annotated {@code @NonBlocking}; the two match the extension's blocking and non-blocking handlers.
 */
@ApplicationScoped
public class SmallRyeConsumers {

    public static final String WORKER_CHANNEL = "bench-smallrye-worker";
    public static final String NON_BLOCKING_CHANNEL = "bench-smallrye-nonblocking";

    @Inject
    ObjectMapper mapper;

    @Inject
    Probes probes;

    @Incoming(WORKER_CHANNEL)
    void onWorker(byte[] json) {
        probes.smallRyeWorker.record(read(json));
    }

    @Incoming(NON_BLOCKING_CHANNEL)
    @NonBlocking
    void onEventLoop(byte[] json) {
        probes.smallRyeNonBlocking.record(read(json));
    }

    private RawEvent read(byte[] json) {
        try {
            return mapper.readValue(json, RawEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
