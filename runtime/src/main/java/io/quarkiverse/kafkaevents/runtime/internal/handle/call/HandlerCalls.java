package io.quarkiverse.kafkaevents.runtime.internal.handle.call;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventFailure;
import io.quarkiverse.kafkaevents.EventFailureHandler;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.KafkaEventContext;
import io.quarkiverse.kafkaevents.runtime.internal.handle.lane.CallContexts;
import io.quarkiverse.kafkaevents.runtime.internal.observability.Mdc;
import io.quarkus.runtime.BlockingOperationControl;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Calls handler methods through their generated invokers, and asks the application's {@link EventFailureHandler} what
 * to do with a failure.
 */
public final class HandlerCalls {

    private static final Logger LOG = Logger.getLogger(HandlerCalls.class);

    private HandlerCalls() {
    }

    /**
     * Calls the handler with the event's log MDC and trace context current, and passes its failure (or {@code null})
     * to {@code done} once it finished: synchronously when it finished within the call, which a non-blocking handler
     * whose work completes at once does. A blocking handler is called on this thread when it may block (a lane's drain
     * on a worker thread), otherwise on a worker thread. A {@code Uni} or {@code CompletionStage} handler is called on
     * a Vert.x duplicated context of its own, which holds the MDC: the callbacks of its work on that context (Vert.x
     * clients, timers, propagated contexts) log with the MDC until the work completes. On the event loop of that
     * context it is called right here (no hop through the event loop's queue).
     */
    public static void call(EventInvoker invoker, Object event, KafkaEventContext context, Context trace, Vertx vertx,
            Consumer<Throwable> done) {
        call(invoker, event, context, null, trace, vertx, done);
    }

    /**
     * {@link #call(EventInvoker, Object, KafkaEventContext, Context, Vertx, Consumer)}, for a batch handler when
     * {@code batch} is not {@code null}: {@code event} is then the list of events, {@code batch} their contexts, and
     * {@code context} (the first event's) sets the MDC.
     */
    public static void call(EventInvoker invoker, Object event, KafkaEventContext context, List<EventContext> batch,
            Context trace, Vertx vertx, Consumer<Throwable> done) {
        if (invoker.kind() == EventInvoker.BLOCKING) {
            if (BlockingOperationControl.isBlockingAllowed()) {
                done.accept(callBlocking(invoker, event, context, batch, trace));
            } else {
                Infrastructure.getDefaultWorkerPool()
                        .execute(() -> done.accept(callBlocking(invoker, event, context, batch, trace)));
            }
            return;
        }
        ContextInternal own = (ContextInternal) VertxContext
                .createNewDuplicatedContext(vertx.getOrCreateContext());
        Runnable call = () -> {
            Object work;
            Mdc.put(context); // kept by the duplicated context, dropped with it
            try (Scope scope = trace.makeCurrent()) {
                work = invoke(invoker, event, context, batch);
            } catch (Throwable failure) {
                done.accept(failure);
                return;
            }
            await(invoker, work, done);
        };
        if (own.nettyEventLoop().inEventLoop()) {
            own.dispatch(call);
        } else {
            own.runOnContext(ignored -> call.run());
        }
    }

    /**
     * Calls a blocking handler on this thread, with the event's log MDC and trace context current; returns its
     * failure, or {@code null}.
     */
    static Throwable callBlocking(EventInvoker invoker, Object event, KafkaEventContext context, Context trace) {
        return callBlocking(invoker, event, context, null, trace);
    }

    private static Throwable callBlocking(EventInvoker invoker, Object event, KafkaEventContext context,
            List<EventContext> batch, Context trace) {
        if (CallContexts.shared(ContextInternal.current())) {
            // not in a lane's own context (a retry's continuation, say): the MDC and span go to one of the call's own
            return CallContexts.isolated(() -> callBlocking(invoker, event, context, batch, trace));
        }
        Mdc.put(context);
        try (Scope scope = trace.makeCurrent()) {
            invoke(invoker, event, context, batch);
            return null;
        } catch (Throwable failure) {
            return failure;
        } finally {
            Mdc.clear();
        }
    }

    private static Object invoke(EventInvoker invoker, Object event, KafkaEventContext context,
            List<EventContext> batch) {
        return batch == null ? invoker.invoke(event, context) : invoker.invokeBatch((List<?>) event, batch);
    }

    /**
     * Passes the outcome of a non-blocking handler's work to {@code done}: its {@code Uni} or {@code CompletionStage}
     * is subscribed to as it is (no operator is added per call), and {@code null} counts as done.
     */
    private static void await(EventInvoker invoker, Object work, Consumer<Throwable> done) {
        if (work == null) {
            done.accept(null);
        } else if (invoker.kind() == EventInvoker.UNI) {
            ((Uni<?>) work).subscribe().with(ignored -> done.accept(null), done);
        } else {
            ((CompletionStage<?>) work).whenComplete((ignored, failure) -> done.accept(
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
        }
    }

    /** The failure handler's decision, {@code DEFAULT} when there is none or it failed itself. */
    public static EventFailureHandler.Decision decide(Instance<EventFailureHandler> failureHandlers, EventInvoker invoker,
            Object event, EventContext context, Throwable failure, int attempt) {
        if (!failureHandlers.isResolvable()) {
            return EventFailureHandler.Decision.DEFAULT;
        }
        EventFailure eventFailure = new EventFailure() {
            @Override
            public Object event() {
                return event;
            }

            @Override
            public EventContext context() {
                return context;
            }

            @Override
            public Throwable cause() {
                return failure;
            }

            @Override
            public int attempt() {
                return attempt;
            }

            @Override
            public String handler() {
                return invoker.handler();
            }
        };
        try {
            EventFailureHandler.Decision decision = failureHandlers.get().decide(eventFailure);
            return decision == null ? EventFailureHandler.Decision.DEFAULT : decision;
        } catch (RuntimeException e) {
            LOG.errorf(e, "The EventFailureHandler failed for record %s; applying the configured policy", context);
            return EventFailureHandler.Decision.DEFAULT;
        }
    }
}
