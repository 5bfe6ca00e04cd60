package org.acme;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

@Path("/greetings")
public class GreetingResource {

    @Inject
    EventPublisher publisher;

    @Inject
    GreetingLog log;

    /** Publishes a GreetingSent; answers 202 once the broker has acknowledged it. */
    @POST
    @Path("/{name}")
    public Uni<Response> greet(@PathParam("name") String name) {
        return publisher.publish(new GreetingSent(name, "Hello " + name))
                .replaceWith(Response.accepted().build());
    }

    /** The greetings the handler has handled. */
    @GET
    public List<String> handled() {
        return log.messages();
    }
}
