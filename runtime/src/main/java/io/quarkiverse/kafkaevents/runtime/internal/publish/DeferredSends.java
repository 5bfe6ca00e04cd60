package io.quarkiverse.kafkaevents.runtime.internal.publish;

/**
 * Holds sends until the caller's transaction ends: a bean only when a JTA transaction manager is present, so that the
 * publisher never touches transaction classes otherwise.
 */
public interface DeferredSends {

    /**
     * Registers {@code send} to run once the current transaction has committed; it is dropped if the transaction rolls
     * back.
     *
     * @return {@code false} when no transaction is active (nothing registered: the caller sends at once)
     * @throws IllegalStateException when a transaction is active but can no longer take the send (marked for
     *         rollback, or completing)
     */
    boolean afterCommit(Runnable send);

    /**
     * A transactional publication (outbox or after-commit) of the current transaction failed before it was recorded:
     * marks the transaction for rollback, so that the business change never commits without its event, and says so in
     * the log. Does nothing without an active transaction.
     */
    void rollbackOnly(RuntimeException failure);
}
