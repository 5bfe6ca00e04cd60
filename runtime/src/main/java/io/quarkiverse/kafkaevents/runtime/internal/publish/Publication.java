package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;

/**
 * The outcome of one {@code publish} or {@code publishAll} call, as a {@code Uni}. The publication has started before
 * this {@code Uni} is returned (the record handed to the producer, held for the commit or written to the outbox);
 * subscribing only waits for its outcome. Every subscriber, early or late, gets the same outcome, and subscribing twice
 * never publishes twice. A subscriber that cancels stops waiting; the publication goes on.
 * <p>
 * One object per publication, completed (as a {@link Consumer}) with {@code null} or the failure: no Mutiny operator
 * per event.
 */
final class Publication extends AbstractUni<Void> implements Consumer<Throwable> {

    private static final Object SUCCESS = new Object();

    /** {@code null} while pending, then {@link #SUCCESS} or the failure; guarded by {@code this}. */
    private Object outcome;
    /** Subscribers waiting for the outcome: {@code null}, one {@link Waiter}, or a list; guarded by {@code this}. */
    private Object waiting;

    /** Completes the publication; only the first call counts. */
    @Override
    public void accept(Throwable failure) {
        Object waiters;
        Object done = failure == null ? SUCCESS : failure;
        synchronized (this) {
            if (outcome != null) {
                return;
            }
            outcome = done;
            waiters = waiting;
            waiting = null;
        }
        if (waiters instanceof Waiter waiter) {
            waiter.deliver(done);
        } else if (waiters != null) {
            for (Object waiter : (List<?>) waiters) {
                ((Waiter) waiter).deliver(done);
            }
        }
    }

    @Override
    public void subscribe(UniSubscriber<? super Void> subscriber) {
        Waiter waiter = new Waiter(this, subscriber);
        subscriber.onSubscribe(waiter);
        Object done;
        synchronized (this) {
            done = outcome;
            if (done == null) {
                add(waiter);
            }
        }
        if (done != null) {
            waiter.deliver(done);
        }
    }

    /** Called with the lock held. */
    @SuppressWarnings("unchecked")
    private void add(Waiter waiter) {
        if (waiting == null) {
            waiting = waiter;
        } else if (waiting instanceof Waiter first) {
            List<Waiter> list = new ArrayList<>(2);
            list.add(first);
            list.add(waiter);
            waiting = list;
        } else {
            ((List<Waiter>) waiting).add(waiter);
        }
    }

    private synchronized void remove(Waiter waiter) {
        if (waiting == waiter) {
            waiting = null;
        } else if (waiting instanceof List<?> list) {
            list.remove(waiter);
        }
    }

    /** One subscription: delivered at most once, never after a cancel. */
    private static final class Waiter extends AtomicBoolean implements UniSubscription {

        private final transient Publication publication;
        private final transient UniSubscriber<? super Void> subscriber;

        Waiter(Publication publication, UniSubscriber<? super Void> subscriber) {
            this.publication = publication;
            this.subscriber = subscriber;
        }

        void deliver(Object outcome) {
            if (!compareAndSet(false, true)) {
                return;
            }
            if (outcome == SUCCESS) {
                subscriber.onItem(null);
            } else {
                subscriber.onFailure((Throwable) outcome);
            }
        }

        @Override
        public void cancel() {
            if (compareAndSet(false, true)) {
                publication.remove(this);
            }
        }
    }
}
