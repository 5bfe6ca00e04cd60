package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Kafka consumer settings per handler and per event type, under {@code quarkus.kafka-events.*}: read back from the
 * configuration of the running consumers, found by topic and group (the generated channel names stay internal).
 */
public class HandlerKafkaSettingsTest {

    static final String GROUP = "test.consumer-settings-test";

    @EventTopic(value = "ticks", domain = "settings")
    public record TickHappened(String id) {
    }

    @EventTopic(value = "tocks", domain = "settings")
    public record TockHappened(String id) {
    }

    public static class Ticks {
        @EventHandler
        void onTick(TickHappened tick) {
        }
    }

    public static class Tocks {
        @EventHandler
        void onTock(TockHappened tock) {
        }
    }

    static final String TICKS = "quarkus.kafka-events.handlers.\"" + Ticks.class.getName() + "#onTick\".kafka.";
    static final String TOCKS = "quarkus.kafka-events.handlers.\"" + Tocks.class.getName() + "#onTock\".kafka.";
    static final String TOCK_TYPE = "quarkus.kafka-events.events.\"TockHappened\".kafka.";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TickHappened.class, TockHappened.class, Ticks.class, Tocks.class))
            .overrideConfigKey("quarkus.application.name", "consumer-settings-test")
            // per handler
            .overrideConfigKey(TICKS + "\"max.poll.records\"", "50")
            .overrideConfigKey(TICKS + "\"session.timeout.ms\"", "12000")
            // per event type, one of them overridden by the handler
            .overrideConfigKey(TOCK_TYPE + "\"fetch.min.bytes\"", "1024")
            .overrideConfigKey(TOCK_TYPE + "\"max.partition.fetch.bytes\"", "65536")
            .overrideConfigKey(TOCKS + "\"fetch.min.bytes\"", "2048");

    @Inject
    HandlerDispatcher dispatcher;

    @Inject
    KafkaClientService clients;

    private Map<String, ?> consumerConfig(String topic) throws InterruptedException {
        String channel = dispatcher.topology().channel(topic, GROUP);
        assertNotNull(channel, "no channel reads " + topic + " for " + GROUP);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(channel);
        while (consumers.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            consumers = clients.getConsumers(channel);
        }
        assertFalse(consumers.isEmpty(), "no consumer for channel " + channel);
        return consumers.get(0).configuration();
    }

    @Test
    void handlerSettingsReachItsConsumer() throws Exception {
        Map<String, ?> config = consumerConfig("test.settings.public.ticks");
        assertEquals("50", String.valueOf(config.get("max.poll.records")), config.toString());
        assertEquals("12000", String.valueOf(config.get("session.timeout.ms")), config.toString());
        // the extension's own settings are still there
        assertEquals(GROUP, String.valueOf(config.get("group.id")), config.toString());
    }

    @Test
    void typeSettingsReachTheConsumersOfItsTopicAndHandlerSettingsWin() throws Exception {
        Map<String, ?> config = consumerConfig("test.settings.public.tocks");
        assertEquals("2048", String.valueOf(config.get("fetch.min.bytes")), config.toString());
        assertEquals("65536", String.valueOf(config.get("max.partition.fetch.bytes")), config.toString());
        // the other handler's settings do not leak
        assertFalse("50".equals(String.valueOf(config.get("max.poll.records"))), config.toString());
    }
}
