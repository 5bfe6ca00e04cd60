package io.quarkiverse.kafkaevents.deployment.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The dev broker starts without any configuration and carries records through SmallRye channels.
 */
public class DevBrokerRoundTripTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(
                    jar -> jar.addClasses(Sender.class, Receiver.class, DevBrokerProcesses.class))
            .overrideConfigKey("mp.messaging.outgoing.greetings-out.connector", "smallrye-kafka")
            .overrideConfigKey("mp.messaging.outgoing.greetings-out.topic", "greetings")
            .overrideConfigKey("mp.messaging.incoming.greetings-in.connector", "smallrye-kafka")
            .overrideConfigKey("mp.messaging.incoming.greetings-in.topic", "greetings")
            .overrideConfigKey("mp.messaging.incoming.greetings-in.auto.offset.reset", "earliest");

    @Inject
    Sender sender;

    @Inject
    Receiver receiver;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void recordRoundTripsThroughTheDevBroker() {
        assertTrue(bootstrapServers.matches("127\\.0\\.0\\.1:\\d+"), bootstrapServers);

        sender.send("hello");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!receiver.received().contains("hello") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of("hello"), receiver.received());

        // the raw record, read back with a plain client
        try (KafkaCompanion companion = new KafkaCompanion(bootstrapServers)) {
            ConsumerRecord<String, String> record = companion.consumeStrings().fromTopics("greetings", 1)
                    .awaitCompletion(Duration.ofSeconds(30)).getFirstRecord();
            assertEquals("greetings", record.topic());
            assertEquals("hello", record.value());
        }
    }

    @Test
    void theBrokerIsAChildProcessOfThisJvm() {
        assertEquals(1, DevBrokerProcesses.children().size());
    }

    @ApplicationScoped
    public static class Sender {
        @Inject
        @Channel("greetings-out")
        Emitter<String> emitter;

        void send(String payload) {
            emitter.send(payload).toCompletableFuture().join();
        }
    }

    @ApplicationScoped
    public static class Receiver {
        private final List<String> received = new CopyOnWriteArrayList<>();

        List<String> received() {
            return received;
        }

        @Incoming("greetings-in")
        void receive(String payload) {
            received.add(payload);
        }
    }
}
