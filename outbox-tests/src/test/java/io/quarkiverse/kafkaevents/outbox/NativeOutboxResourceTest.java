package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.builder.BuildStep;
import io.quarkus.deployment.builditem.GeneratedResourceBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * No GraalVM here: a native executable's resources are checked on the build items a native build would use. Where
 * the outbox can be used (transactions and a datasource), its DDL resource is in the image: without it a native
 * application with {@code outbox.schema=create} stopped at start-up ("Missing resource"). The same for the inbox's DDL
 * ({@code inbox.schema=create}).
 */
public class NativeOutboxResourceTest {

    @EventTopic(value = "parcels", domain = "nativeoutbox")
    public record ParcelShipped(@PartitionKey String parcelId) {
    }

    // the build step runs in the deployment class loader and the test in the application's: they share system
    // properties, not static fields
    static final String RESOURCES = "kafka-events.test.native-resources";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class))
            .overrideConfigKey("quarkus.http.test-port", "0")
            // a datasource that is never connected to (no event type uses the outbox here): no database needed
            .overrideConfigKey("quarkus.datasource.db-kind", "postgresql")
            .overrideConfigKey("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/unused")
            .overrideConfigKey("quarkus.datasource.devservices.enabled", "false")
            .addBuildChainCustomizer(capture());

    private static Consumer<BuildChainBuilder> capture() {
        return chain -> chain.addBuildStep(new BuildStep() {
            @Override
            public void execute(BuildContext context) {
                StringBuilder resources = new StringBuilder();
                for (NativeImageResourceBuildItem item : context.consumeMulti(NativeImageResourceBuildItem.class)) {
                    resources.append(item.getResources()).append(';');
                }
                System.setProperty(RESOURCES, resources.toString());
            }
        }).consumes(NativeImageResourceBuildItem.class).produces(GeneratedResourceBuildItem.class).build();
    }

    @Test
    void theOutboxDdlIsANativeImageResource() {
        String resources = System.getProperty(RESOURCES);
        assertTrue(resources.contains("META-INF/kafka-events/outbox-postgresql.sql"), resources);
        // and it is where the runtime reads it from
        assertTrue(Thread.currentThread().getContextClassLoader()
                .getResource("META-INF/kafka-events/outbox-postgresql.sql") != null);
    }

    @Test
    void theInboxDdlIsANativeImageResource() {
        String resources = System.getProperty(RESOURCES);
        assertTrue(resources.contains("META-INF/kafka-events/inbox-postgresql.sql"), resources);
        assertTrue(Thread.currentThread().getContextClassLoader()
                .getResource("META-INF/kafka-events/inbox-postgresql.sql") != null);
    }
}
