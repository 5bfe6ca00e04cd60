package io.quarkiverse.kafkaevents.benchmarks.startup.smallrye;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.smallrye.mutiny.Uni;

/** What the benchmark harness calls: publish a burst of events, then poll how many the handler saw. */
@Path("/orders")
public class OrderResource {

    @Inject
    OrderEvents events;

    @POST
    @Path("/burst")
    public Uni<Long> burst(@QueryParam("run") String run, @QueryParam("count") int count) {
        return events.publish(run, count);
    }

    @GET
    @Path("/handled")
    public long handled() {
        return events.handled();
    }
}
