package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.util.List;
import java.util.Map;

/**
 * The handlers of one consumer group, by CloudEvents type, whichever channel their records arrive on.
 *
 * @param name the consumer group
 * @param byType the handlers of each type, in the order they are called (class and method name)
 * @param plainTypes per event topic, the type plain JSON records of that topic are handled as: the only handled type
 *        routed to the topic (topics carrying several types have no entry)
 */
public record HandlerGroup(String name, Map<String, List<EventInvoker>> byType, Map<String, String> plainTypes) {
}
