package io.quarkiverse.kafkaevents.deployment.devui;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.vertx.ext.web.Router;

/**
 * The application of {@link KafkaEventsDevUiTest}: one event type whose only handler always fails, and two HTTP
 * routes for the test, which runs outside the application's class loader.
 */
public final class DeadLetterApp {

    private DeadLetterApp() {
    }

    @EventTopic(value = "parcels", domain = "devui")
    public record ParcelShipped(@PartitionKey String id) {
    }

    public static class BrokenHandler {
        @EventHandler
        void on(ParcelShipped parcel) {
            throw new IllegalStateException("courier API down");
        }
    }

    public static class TestRoutes {

        @Inject
        EventPublisher publisher;

        void routes(@Observes Router router) {
            router.get("/devui-test/bootstrap").handler(rc -> rc.response()
                    .end(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
            router.post("/devui-test/publish").handler(rc -> publisher
                    .publishAll(List.of(new ParcelShipped("p-1"), new ParcelShipped("p-2"), new ParcelShipped("p-3")))
                    .subscribe().with(done -> rc.response().end("3"), rc::fail));
        }
    }
}
