package io.quarkiverse.kafkaevents.it.orders;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

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

    /**
     * Places an order; it is confirmed once the {@code OrderPlaced} event has gone through Kafka and been handled.
     */
    @POST
    public Uni<Response> place(PlaceOrder request) {
        if (request == null || request.item() == null || request.item().isBlank() || request.quantity() <= 0) {
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST)
                    .entity("an order needs an item and a positive quantity").build());
        }
        Order order = new Order(UUID.randomUUID().toString(), request.customerId(), request.item(), request.quantity(),
                Order.Status.PLACED);
        store.put(order);
        return events.placed(order)
                .map(ignored -> Response.created(URI.create("/orders/" + order.id())).entity(order).build());
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
    public Uni<Response> cancel(@PathParam("id") String id, @QueryParam("reason") String reason) {
        if (store.get(id).isEmpty()) {
            throw new NotFoundException("no order " + id);
        }
        return events.cancelled(id, reason == null ? "customer request" : reason)
                .map(ignored -> Response.accepted().build());
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
