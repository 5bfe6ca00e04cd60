package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.jboss.jandex.Index;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/** Scans hand-built Jandex indexes for {@link EventTypeScannerTest} and {@link EventTypeErrorRulesTest}. */
final class EventTypeScans {

    private EventTypeScans() {
    }

    static EventTypeScanner.Result scan(Class<?>... classes) {
        List<Class<?>> all = new ArrayList<>(List.of(EventTopic.class, PartitionKey.class, DistributedEvent.class));
        all.addAll(List.of(classes));
        try {
            return EventTypeScanner.scan(Index.of(all.toArray(Class<?>[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EventTypeBuildItem single(EventTypeScanner.Result result) {
        assertEquals(List.of(), result.errors());
        assertEquals(1, result.eventTypes().size(), result.eventTypes().toString());
        return result.eventTypes().get(0);
    }

    static EventTypeBuildItem byClass(EventTypeScanner.Result result, Class<?> clazz) {
        return result.eventTypes().stream().filter(t -> t.className().equals(clazz.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no event type " + clazz.getName()));
    }

    /** Scans the classes, expecting exactly one error and no valid event type; returns the error. */
    static String singleError(Class<?>... classes) {
        EventTypeScanner.Result result = scan(classes);
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertTrue(result.eventTypes().isEmpty(), "no valid types expected: " + result.eventTypes());
        return result.errors().get(0);
    }

    static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }
}
