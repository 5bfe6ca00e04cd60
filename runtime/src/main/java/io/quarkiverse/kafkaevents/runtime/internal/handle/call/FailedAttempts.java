package io.quarkiverse.kafkaevents.runtime.internal.handle.call;

import java.util.List;

import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.KafkaEventContext;
import io.smallrye.mutiny.Uni;

/**
 * What happens to a record once an attempt left failed handlers: retried, moved to a retry topic, dead-lettered or
 * skipped. The failure handling implements it; the calls only hand their failures over.
 */
public interface FailedAttempts {

    /**
     * Decides, for the handlers that failed in attempt {@code retry}, and completes once the record is finished with or
     * its next attempt succeeded.
     */
    Uni<Void> after(Attempt record, KafkaEventContext context, Attempt.Retry retry, List<Attempt.Failed> failed);
}
