package io.quarkiverse.kafkaevents.it.orders;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

@Path("/orders")
public class OrderResource {

    public record PlaceOrder(String customerId, String item, int quantity) {
    }

    @Inject
    OrderStore store;

    @Inject
    OrderEvents events;

    @Inject
    HandledEvents handledEvents;

    @Inject
    ConfirmationDigest confirmations;

    /** Publishing in a transaction with outbox delivery only writes a row: this bound is never near. */
    static final Duration ENLIST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Places an order; it is confirmed once the {@code OrderPlaced} event has gone through Kafka and been handled.
     * The order row and the event's outbox row commit in one transaction: no event for an order that was not saved,
     * no saved order without its event, whatever crashes.
     */
    @POST
    @Transactional
    public Response place(PlaceOrder request) {
        if (request == null || request.item() == null || request.item().isBlank() || request.quantity() <= 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity("an order needs an item and a positive quantity").build();
        }
        Order order = new Order(UUID.randomUUID().toString(), request.customerId(), request.item(), request.quantity(),
                Order.Status.PLACED);
        store.put(order);
        // completes when the event's row is written; the event is sent right after the commit
        events.placed(order).await().atMost(ENLIST_TIMEOUT);
        return Response.created(URI.create("/orders/" + order.id())).entity(order).build();
    }

    @GET
    @Path("/{id}")
    public Order get(@PathParam("id") String id) {
        return store.get(id).orElseThrow(() -> new NotFoundException("no order " + id));
    }

    /**
     * Cancels an order; it shows as cancelled once the {@code OrderCancelled} event has been handled.
     */
    @DELETE
    @Path("/{id}")
    @Transactional
    public Response cancel(@PathParam("id") String id, @QueryParam("reason") String reason) {
        if (!store.exists(id)) {
            throw new NotFoundException("no order " + id);
        }
        events.cancelled(id, reason == null ? "customer request" : reason).await().atMost(ENLIST_TIMEOUT);
        return Response.accepted().build();
    }

    /** What the batch handler of {@code OrderConfirmed} saw. */
    @GET
    @Path("/confirmations")
    public ConfirmationDigest.Digest confirmations() {
        return confirmations.digest();
    }

    /**
     * The events this service's handlers handled, with their Kafka coordinates.
     */
    @GET
    @Path("/events")
    public List<HandledEvents.Handled> handled() {
        return handledEvents.all();
    }
}
