package io.quarkiverse.kafkaevents.benchmarks;

import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes the generated channels of the consume benchmark's {@code @EventHandler}s pausable and paused at start-up, like
 * the SmallRye channels are in {@code application.properties}. Their names end with a hash
 * ({@code kafka-events-bench-consume-<hash>}), so they are matched by prefix here instead of being spelled out.
 */
public class PausableHandlerChannels implements ConfigSource {

    private static final String PREFIX = "mp.messaging.incoming.kafka-events-bench-consume-";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String name) {
        if (name.startsWith(PREFIX) && (name.endsWith(".pausable") || name.endsWith(".pausable.initially-paused"))) {
            return "true";
        }
        return null;
    }

    @Override
    public String getName() {
        return "kafka-events-benchmarks-pausable-handler-channels";
    }
}
