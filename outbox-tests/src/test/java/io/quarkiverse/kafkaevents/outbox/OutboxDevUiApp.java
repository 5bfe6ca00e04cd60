package io.quarkiverse.kafkaevents.outbox;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.vertx.ext.web.Router;

/**
 * The application of {@link OutboxDevUiTest}: one event type published through the outbox in a transaction, and two
 * HTTP routes for the test, which runs outside the application's class loader.
 */
public final class OutboxDevUiApp {

    private OutboxDevUiApp() {
    }

    @EventTopic(value = "bookings", domain = "devui")
    public record TicketBooked(@PartitionKey String show, String seat, String note) {
    }

    @ApplicationScoped
    public static class Bookings {
        @Inject
        EventPublisher publisher;

        @Transactional
        void book(String show, String seat, int noteSize) {
            publisher.publish(new TicketBooked(show, seat, "x".repeat(noteSize))).await()
                    .atMost(Duration.ofSeconds(10));
        }
    }

    public static class TestRoutes {

        @Inject
        Bookings bookings;

        void routes(@Observes Router router) {
            router.get("/outbox-devui/bootstrap").handler(rc -> rc.response()
                    .end(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
            router.post("/outbox-devui/book").blockingHandler(rc -> {
                bookings.book(rc.request().getParam("show"), rc.request().getParam("seat"),
                        Integer.parseInt(rc.request().getParam("size")));
                rc.response().end("booked");
            });
        }
    }
}
