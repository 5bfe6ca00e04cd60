package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Only the topics a service uses are provisioned: of the types it handles, of the types its own code refers to (in its
 * root archive or in another of its modules), and of those configured with {@code provision=true}; another team's type
 * that merely sits in a shared contracts jar is left alone.
 */
public class ProvisionedTopicsTest {

    @ApplicationScoped
    public static class Shipping {
        @Inject
        EventPublisher publisher;

        void lost(String id) {
            publisher.publish(new SharedContracts.ParcelLost(id)).await().atMost(Duration.ofSeconds(30));
        }

        @EventHandler
        void on(SharedContracts.ClaimFiled claim) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Shipping.class))
            // named by string: a class literal here would make this test class (part of the application) a user
            .withAdditionalDependency(jar -> jar.addClasses(contracts("", "$InvoiceIssued", "$ParcelLost",
                    "$RefundGranted", "$ClaimFiled", "$ShipmentDelayed"))
                    .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml"))
            // a library module of the application, beside its root archive
            .withAdditionalDependency(jar -> jar.addClasses(contracts("ShippingModule"))
                    .addAsManifestResource(EmptyAsset.INSTANCE, "beans.xml"))
            .overrideConfigKey("quarkus.application.name", "provisioned-topics-test")
            .overrideConfigKey("quarkus.kafka-events.events.\"RefundGranted\".provision", "true");

    private static Class<?>[] contracts(String... suffixes) {
        Class<?>[] classes = new Class<?>[suffixes.length];
        for (int i = 0; i < suffixes.length; i++) {
            try {
                String name = suffixes[i].isEmpty() || suffixes[i].startsWith("$") ? "SharedContracts" + suffixes[i]
                        : suffixes[i];
                classes[i] = Class.forName(ProvisionedTopicsTest.class.getPackageName() + "." + name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return classes;
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void onlyTheTopicsTheServiceUsesAreCreated() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.contains("test.contracts.public.claims"), "handled: " + topics);
            assertTrue(topics.contains("test.contracts.public.claims.dead-letter"), "handled: " + topics);
            assertTrue(topics.contains("test.contracts.public.parcels"), "referred to by the code: " + topics);
            assertTrue(topics.contains("test.contracts.public.refunds"), "provision=true: " + topics);
            assertTrue(topics.contains("test.contracts.public.delays"), "published by a module of the application: "
                    + topics);
            assertFalse(topics.contains("test.contracts.public.invoices"), "another team's type: " + topics);
        }
    }
}
