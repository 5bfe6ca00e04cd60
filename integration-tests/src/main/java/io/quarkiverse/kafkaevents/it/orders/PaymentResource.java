package io.quarkiverse.kafkaevents.it.orders;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.smallrye.mutiny.Uni;

@Path("/orders/{orderId}/payments")
public class PaymentResource {

    @Inject
    EventPublisher publisher;

    /** Asks for a payment: answers once the broker has the request; the capture follows through Kafka. */
    @POST
    public Uni<Response> request(@PathParam("orderId") String orderId, @QueryParam("amountCents") long amountCents) {
        PaymentRequested request = new PaymentRequested(UUID.randomUUID().toString(), orderId, amountCents);
        return publisher.publish(request).replaceWith(Response.accepted(request).build());
    }
}
