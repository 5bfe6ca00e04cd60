package io.quarkiverse.kafkaevents.benchmarks.publish;

import java.util.ArrayList;
import java.util.List;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.benchmarks.Events;

/** The extension, in batches: {@link EventPublisher#publishAll(List)} of binary events. */
public final class PublishAllContestant implements PublishContestant {

    private final EventPublisher publisher;
    private final int batchSize;

    public PublishAllContestant(EventPublisher publisher, int batchSize) {
        this.publisher = publisher;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return "EventPublisher.publishAll (binary, " + batchSize + ")";
    }

    @Override
    public void publish(PublishTarget target, int count, Window window) {
        for (int sent = 0; sent < count; sent += batchSize) {
            int size = Math.min(batchSize, count - sent);
            window.acquire(size);
            List<Object> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(Events.next(target.binary));
            }
            publisher.publishAll(batch).subscribe().with(ignored -> window.acknowledged(size),
                    failure -> window.failed(size, failure));
        }
    }
}
