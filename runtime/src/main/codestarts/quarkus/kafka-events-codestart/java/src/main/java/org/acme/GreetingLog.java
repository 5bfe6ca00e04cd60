package org.acme;

import io.quarkiverse.kafkaevents.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

@ApplicationScoped
public class GreetingLog {

    private final List<String> messages = new CopyOnWriteArrayList<>();

    /** Called once for each GreetingSent read from Kafka; a thrown exception is retried, then dead-lettered. */
    @EventHandler
    void onGreeting(GreetingSent greeting) {
        messages.add(greeting.message());
    }

    List<String> messages() {
        return List.copyOf(messages);
    }
}
