package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.builder.BuildChainBuilder;
import io.quarkus.builder.BuildContext;
import io.quarkus.builder.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import io.quarkus.test.QuarkusUnitTest;

/**
 * No GraalVM here: native support is checked on the build items a native build would use.
 */
public class NativeRegistrationTest {

    @EventTopic("parcels")
    public record ParcelShipped(@PartitionKey String parcelId, Address to, List<Item> items, Carrier carrier) {
    }

    public record Address(String street, String city) {
    }

    public record Item(String sku, int quantity) {
    }

    public enum Carrier {
        POST,
        COURIER
    }

    // the build step runs in the deployment class loader and the tests in the application's: they share system
    // properties, not static fields
    static final String REFLECTIVE = "kafka-events.test.reflective";
    static final String SERVICES = "kafka-events.test.services";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class, Address.class, Item.class, Carrier.class))
            .addBuildChainCustomizer(capture());

    private static Consumer<BuildChainBuilder> capture() {
        return chain -> chain.addBuildStep(new BuildStep() {
            @Override
            public void execute(BuildContext context) {
                StringBuilder reflective = new StringBuilder();
                for (ReflectiveClassBuildItem item : context.consumeMulti(ReflectiveClassBuildItem.class)) {
                    if (item.isMethods() && item.isFields()) {
                        reflective.append(item.getClassNames()).append(';');
                    }
                }
                System.setProperty(REFLECTIVE, reflective.toString());
                StringBuilder services = new StringBuilder();
                for (ServiceProviderBuildItem item : context.consumeMulti(ServiceProviderBuildItem.class)) {
                    services.append(item.serviceDescriptorFile()).append('=').append(item.providers()).append(';');
                }
                System.setProperty(SERVICES, services.toString());
            }
        }).consumes(ReflectiveClassBuildItem.class).consumes(ServiceProviderBuildItem.class)
                .produces(io.quarkus.deployment.builditem.GeneratedResourceBuildItem.class).build();
    }

    @Test
    void eventTypesAreRegisteredForJacksonWithMethodsAndFields() {
        String registered = System.getProperty(REFLECTIVE);
        assertTrue(registered.contains(ParcelShipped.class.getName()), registered);
    }

    @Test
    void typesReachableFromAnEventAreRegisteredToo() {
        // Jackson reads nested records, collection elements and enums reflectively as well: without them a native
        // executable fails on the first event that carries one
        String registered = System.getProperty(REFLECTIVE);
        for (Class<?> nested : List.of(Address.class, Item.class, Carrier.class)) {
            assertTrue(registered.contains(nested.getName()), nested.getName() + " not in " + registered);
        }
    }

    @Test
    void cloudEventsFormatsAreServiceProviders() {
        String services = System.getProperty(SERVICES);
        assertTrue(services.matches(".*" + EventsNativeProcessor.CLOUDEVENTS_FORMAT.replace(".", "\\.")
                + "=\\[[^]]*io\\.cloudevents\\.jackson\\.JsonFormat.*"), services);
    }
}
