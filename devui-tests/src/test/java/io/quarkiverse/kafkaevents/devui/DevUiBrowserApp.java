package io.quarkiverse.kafkaevents.devui;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.vertx.ext.web.Router;

/**
 * The application of {@link DevUiBrowserTest}: a parcel event whose handler fails while the courier is down (dead
 * letters to replay), an invoice event with a handler that always succeeds, a booking event sent through the outbox
 * (a row the broker refuses stays FAILED), and HTTP routes for the test, which runs outside the application's class
 * loader.
 */
public final class DevUiBrowserApp {

    private DevUiBrowserApp() {
    }

    @EventTopic(value = "parcels", domain = "browser")
    public record ParcelShipped(@PartitionKey String id, String courier) {
    }

    @EventTopic(value = "invoices", domain = "browser")
    public record InvoiceIssued(@PartitionKey String number, long cents) {
    }

    @EventTopic(value = "bookings", domain = "browser")
    public record TicketBooked(@PartitionKey String show, String seat, String note) {
    }

    /** Whether the courier is reachable, and the parcels handed to it. */
    @ApplicationScoped
    public static class Courier {
        volatile boolean up;
        final Set<String> delivered = new ConcurrentSkipListSet<>();
    }

    public static class Couriers {
        @Inject
        Courier courier;

        @EventHandler
        void on(ParcelShipped parcel) {
            if (!courier.up) {
                throw new IllegalStateException("courier API down for parcel " + parcel.id());
            }
            courier.delivered.add(parcel.id());
        }
    }

    public static class Accounting {
        @EventHandler
        void on(InvoiceIssued invoice) {
            // booked
        }
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
        EventPublisher publisher;

        @Inject
        Courier courier;

        @Inject
        Bookings bookings;

        void routes(@Observes Router router) {
            router.get("/browser-app/bootstrap").handler(rc -> rc.response()
                    .end(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
            router.post("/browser-app/parcels").handler(rc -> publisher
                    .publishAll(List.of(new ParcelShipped("p-1", "dhl"), new ParcelShipped("p-2", "ups"),
                            new ParcelShipped("p-3", "dhl"), new InvoiceIssued("i-1", 1250)))
                    .subscribe().with(done -> rc.response().end("published"), rc::fail));
            router.post("/browser-app/courier-up").handler(rc -> {
                courier.up = true;
                rc.response().end("up");
            });
            router.get("/browser-app/delivered").handler(rc -> rc.response()
                    .end(String.join(",", new TreeSet<>(courier.delivered))));
            router.post("/browser-app/book").blockingHandler(rc -> {
                bookings.book(rc.request().getParam("show"), rc.request().getParam("seat"),
                        Integer.parseInt(rc.request().getParam("size")));
                rc.response().end("booked");
            });
        }
    }
}
