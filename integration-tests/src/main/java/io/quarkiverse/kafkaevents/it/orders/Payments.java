package io.quarkiverse.kafkaevents.it.orders;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventPublisher;

/**
 * Kafka to Kafka, exactly once: each {@link PaymentRequested} becomes one {@link PaymentCaptured}. The handler runs in
 * a Kafka transaction ({@code kafkaTransaction = true}): the event it publishes and the offset of the request commit
 * together, so a crash, a rebalance or a retry never yields a second capture for {@code read_committed} readers (the
 * default of this extension's handlers). No database is involved; {@code PaymentCaptured} has {@code immediate}
 * delivery (see {@code application.properties}), the only one a Kafka transaction holds.
 */
@ApplicationScoped
public class Payments {

    /** Enlisting in the transaction completes at once: the event is sent when the request's record is finished. */
    static final Duration ENLIST_TIMEOUT = Duration.ofSeconds(1);

    @Inject
    EventPublisher publisher;

    @EventHandler(kafkaTransaction = true)
    void onRequested(PaymentRequested request, EventContext context) {
        if (request.amountCents() <= 0) {
            // dead-lettered (after the retries) in the same transaction as the offset; nothing captured
            throw new IllegalArgumentException("payment " + request.paymentId() + " has no amount");
        }
        publisher.publish(new PaymentCaptured(request.paymentId(), request.orderId(), request.amountCents(),
                context.group())).await().atMost(ENLIST_TIMEOUT);
    }
}
