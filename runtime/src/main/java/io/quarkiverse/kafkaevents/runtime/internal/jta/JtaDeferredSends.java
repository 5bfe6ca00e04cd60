package io.quarkiverse.kafkaevents.runtime.internal.jta;

import jakarta.inject.Singleton;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.publish.DeferredSends;

/**
 * {@link DeferredSends} over the JTA transaction of the calling thread: a synchronization that runs the send after a
 * commit, on the committing thread (the send itself is asynchronous), and drops it after a rollback.
 */
@Singleton
public class JtaDeferredSends implements DeferredSends {

    private static final Logger LOG = Logger.getLogger(JtaDeferredSends.class);

    private final TransactionSynchronizationRegistry registry;

    JtaDeferredSends(TransactionSynchronizationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean afterCommit(Runnable send) {
        int status = registry.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            return false;
        }
        if (status != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("The current transaction cannot take an event to publish after commit: it is "
                    + statusName(status));
        }
        registry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int outcome) {
                if (outcome == Status.STATUS_COMMITTED) {
                    send.run();
                } else {
                    LOG.debugf("Transaction rolled back: an event held for after-commit delivery is dropped");
                }
            }
        });
        return true;
    }

    @Override
    public void rollbackOnly(RuntimeException failure) {
        if (registry.getTransactionStatus() == Status.STATUS_ACTIVE) {
            registry.setRollbackOnly();
            LOG.errorf("The current transaction is marked for rollback: one of its events could not be recorded for"
                    + " publishing, and a business change must not commit without its event: %s", failure.getMessage());
        }
    }

    private static String statusName(int status) {
        return switch (status) {
            case Status.STATUS_MARKED_ROLLBACK -> "marked for rollback";
            case Status.STATUS_ROLLEDBACK, Status.STATUS_ROLLING_BACK -> "rolling back";
            case Status.STATUS_COMMITTED, Status.STATUS_COMMITTING, Status.STATUS_PREPARED, Status.STATUS_PREPARING ->
                "completing";
            default -> "in status " + status;
        };
    }
}
