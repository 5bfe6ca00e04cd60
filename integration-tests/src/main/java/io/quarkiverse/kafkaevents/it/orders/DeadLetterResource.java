package io.quarkiverse.kafkaevents.it.orders;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkiverse.kafkaevents.DeadLetterReplayer;
import io.smallrye.mutiny.Uni;

/**
 * Replays dead-lettered order events once their cause is fixed, for example
 * {@code POST /dead-letters/replay?topic=dev.sales.public.orders&minutes=60&max=100}; with {@code &group=...}, only
 * the records that consumer group dead-lettered (otherwise each goes to the group that dead-lettered it).
 */
@Path("/dead-letters")
public class DeadLetterResource {

    public record Replayed(String topic, int replayed) {
    }

    @Inject
    DeadLetterReplayer replayer;

    @POST
    @Path("/replay")
    public Uni<Replayed> replay(@QueryParam("topic") String topic, @QueryParam("minutes") Integer minutes,
            @QueryParam("max") Integer max, @QueryParam("group") String group) {
        if (topic == null || topic.isBlank()) {
            throw new BadRequestException("topic is required, for example dev.sales.public.orders");
        }
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofMinutes(minutes == null ? 60 : minutes));
        int limit = max == null ? 100 : max;
        Uni<Integer> replayed = group == null || group.isBlank() ? replayer.replay(topic, from, to, limit)
                : replayer.replay(topic, group, from, to, limit);
        return replayed.map(count -> new Replayed(topic, count));
    }
}
