package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkus.test.QuarkusUnitTest;

/**
 * An instance running in environment {@code staging} on the shared dev broker (other tests run on it as
 * {@code test}): its handlers join {@code staging.<application name>}, never the group of the same service in another
 * environment.
 */
public class EnvironmentGroupTest {

    static final CompletableFuture<String> GROUP = new CompletableFuture<>();
    static final CompletableFuture<String> AUDIT_GROUP = new CompletableFuture<>();

    @EventTopic(value = "lamps", domain = "envgroup")
    public record LampLit(String id) {
    }

    public static class Lamps {
        @EventHandler
        void on(LampLit lamp, EventContext context) {
            GROUP.complete(context.group());
        }

        /** A group named in the annotation, per environment through an expression. */
        @EventHandler(group = "${quarkus.kafka-events.environment}.audit")
        void audit(LampLit lamp, EventContext context) {
            AUDIT_GROUP.complete(context.group());
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(LampLit.class, Lamps.class))
            .overrideConfigKey("quarkus.application.name", "env-group-test")
            .overrideConfigKey("quarkus.kafka-events.environment", "staging");

    @Inject
    EventPublisher publisher;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void handlersJoinTheGroupOfTheirEnvironment() throws Exception {
        publisher.publish(new LampLit("l-1")).await().atMost(Duration.ofSeconds(30));
        assertEquals("staging.env-group-test", GROUP.get(30, TimeUnit.SECONDS));
        assertEquals("staging.audit", AUDIT_GROUP.get(30, TimeUnit.SECONDS));
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("staging.env-group-test"))
                    .describedGroups().get("staging.env-group-test").get(30, TimeUnit.SECONDS);
            assertFalse(group.members().isEmpty(), "members of staging.env-group-test: " + group);
            List<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).toList();
            // not the bare application name, which every environment of the service would share
            assertFalse(groups.contains("env-group-test"), "groups: " + groups);
        }
    }
}
