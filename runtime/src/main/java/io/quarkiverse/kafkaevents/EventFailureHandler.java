package io.quarkiverse.kafkaevents;

/**
 * Decides what happens to an event whose handler failed. Declare one bean implementing it to override the configured
 * policy for some failures; return {@link Decision#DEFAULT} to leave the rest to the configuration.
 *
 * <pre>
 * &#64;ApplicationScoped
 * public class PaymentFailures implements EventFailureHandler {
 *     public Decision decide(EventFailure failure) {
 *         return failure.cause() instanceof DuplicatePaymentException ? Decision.SKIP : Decision.DEFAULT;
 *     }
 * }
 * </pre>
 */
public interface EventFailureHandler {

    /** What to do with a failed event. */
    enum Decision {
        /** Try again after the configured backoff, unless the attempts are used up (then dead-letter it). */
        RETRY,
        /** Write it to the dead-letter topic now. */
        DEAD_LETTER,
        /** Acknowledge it and go on, as if it had been handled. */
        SKIP,
        /** Apply the configured policy (retryable and non-retryable exception lists, attempts). */
        DEFAULT
    }

    /**
     * Called on the consumer's thread after every failed attempt; must not block.
     */
    Decision decide(EventFailure failure);
}
