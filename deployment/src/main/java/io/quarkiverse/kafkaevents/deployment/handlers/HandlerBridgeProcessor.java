package io.quarkiverse.kafkaevents.deployment.handlers;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.failure.RetryTopics;
import io.quarkiverse.kafkaevents.runtime.internal.handle.HandlerDispatcher;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkus.arc.deployment.GeneratedBeanBuildItem;
import io.quarkus.arc.deployment.GeneratedBeanGizmoAdaptor;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.gizmo.FieldCreator;
import io.quarkus.gizmo.FieldDescriptor;
import io.quarkus.gizmo.MethodCreator;
import io.quarkus.gizmo.MethodDescriptor;
import io.quarkus.gizmo.ResultHandle;
import io.smallrye.mutiny.Uni;

/**
 * Generates the dispatch code: one {@link EventInvoker} bean per handler method (a direct call), and one bean per
 * channel whose {@code @Incoming} method hands each record to the {@link HandlerDispatcher} (in failure mode
 * {@code retry-topics}, a second one per channel for its retry topics).
 */
public class HandlerBridgeProcessor {

    static final String GENERATED_PACKAGE = "io.quarkiverse.kafkaevents.generated";

    @BuildStep
    void generate(List<HandlerBuildItem> handlers, KafkaEventsFixedConfig fixedConfig,
            BuildProducer<GeneratedBeanBuildItem> beans) {
        GeneratedBeanGizmoAdaptor output = new GeneratedBeanGizmoAdaptor(beans);
        TreeSet<String> channels = new TreeSet<>();
        for (HandlerBuildItem handler : handlers) {
            generateInvoker(output, handler);
            channels.add(handler.channel());
        }
        boolean retryTopics = fixedConfig.failure().mode() == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS;
        for (String channel : channels) {
            generateIncoming(output, channel);
            if (retryTopics) {
                generateIncoming(output, channel + RetryTopics.CHANNEL_SUFFIX);
            }
        }
    }

    private static void generateInvoker(GeneratedBeanGizmoAdaptor output, HandlerBuildItem handler) {
        MethodInfo method = handler.method();
        String eventClass = handler.eventType().className();
        try (ClassCreator creator = ClassCreator.builder().classOutput(output)
                .className(handler.invokerClassName())
                .interfaces(EventInvoker.class)
                .build()) {
            creator.addAnnotation(Singleton.class);
            FieldCreator bean = creator.getFieldCreator("handler", handler.beanClass())
                    .setModifiers(Modifier.PUBLIC);
            bean.addAnnotation(Inject.class);

            constant(creator, "channel", handler.channel());
            constant(creator, "type", handler.eventType().type());
            constant(creator, "handler", handler.label());
            MethodCreator kind = creator.getMethodCreator("kind", int.class);
            kind.returnValue(kind.load(handler.kind()));
            if (handler.inbox()) {
                MethodCreator inbox = creator.getMethodCreator("inbox", boolean.class);
                inbox.returnValue(inbox.load(true));
            }
            if (handler.kafkaTransaction()) {
                MethodCreator transaction = creator.getMethodCreator("kafkaTransaction", boolean.class);
                transaction.returnValue(transaction.load(true));
            }
            MethodCreator clazz = creator.getMethodCreator("eventClass", Class.class);
            clazz.returnValue(clazz.loadClass(eventClass));

            MethodDescriptor handlerMethod = MethodDescriptor.of(method);
            MethodCreator invoke = creator.getMethodCreator("invoke", Object.class, Object.class, EventContext.class);
            ResultHandle event = invoke.checkCast(invoke.getMethodParam(0), eventClass);
            if (handler.batch()) {
                // one event: the batch handler gets a list of it (a retry, a record of a retry topic)
                ResultHandle events = invoke.invokeStaticInterfaceMethod(LIST_OF, event);
                ResultHandle contexts = invoke.invokeStaticInterfaceMethod(LIST_OF, invoke.getMethodParam(1));
                returnResult(invoke, handler, call(invoke, handler, bean, handlerMethod, events, contexts));

                MethodCreator batch = creator.getMethodCreator("batch", boolean.class);
                batch.returnValue(batch.load(true));
                MethodCreator invokeBatch = creator.getMethodCreator("invokeBatch", Object.class, List.class,
                        List.class);
                returnResult(invokeBatch, handler, call(invokeBatch, handler, bean, handlerMethod,
                        invokeBatch.getMethodParam(0), invokeBatch.getMethodParam(1)));
            } else {
                returnResult(invoke, handler, call(invoke, handler, bean, handlerMethod, event,
                        invoke.getMethodParam(1)));
            }
        }
    }

    private static final MethodDescriptor LIST_OF = MethodDescriptor.ofMethod(List.class, "of", List.class,
            Object.class);

    /** Calls the handler method with the event (or events), and the context (or contexts) when it takes them. */
    private static ResultHandle call(MethodCreator creator, HandlerBuildItem handler, FieldCreator bean,
            MethodDescriptor handlerMethod, ResultHandle event, ResultHandle context) {
        ResultHandle target = creator.readInstanceField(bean.getFieldDescriptor(), creator.getThis());
        return handler.withContext() ? creator.invokeVirtualMethod(handlerMethod, target, event, context)
                : creator.invokeVirtualMethod(handlerMethod, target, event);
    }

    private static void returnResult(MethodCreator creator, HandlerBuildItem handler, ResultHandle result) {
        creator.returnValue(handler.kind() == EventInvoker.BLOCKING ? creator.loadNull() : result);
    }

    private static void constant(ClassCreator creator, String name, String value) {
        MethodCreator method = creator.getMethodCreator(name, String.class);
        method.returnValue(method.load(value));
    }

    private static void generateIncoming(GeneratedBeanGizmoAdaptor output, String channel) {
        String className = GENERATED_PACKAGE + ".Channel_" + channel.replaceAll("[^A-Za-z0-9]", "_");
        try (ClassCreator creator = ClassCreator.builder().classOutput(output).className(className).build()) {
            creator.addAnnotation(Singleton.class);
            FieldCreator dispatcher = creator.getFieldCreator("dispatcher", HandlerDispatcher.class)
                    .setModifiers(Modifier.PUBLIC);
            dispatcher.addAnnotation(Inject.class);

            MethodCreator consume = creator.getMethodCreator("consume", Uni.class, Message.class);
            consume.setSignature("(Lorg/eclipse/microprofile/reactive/messaging/Message<Ljava/util/List<[B>;>;)"
                    + "Lio/smallrye/mutiny/Uni<Ljava/lang/Void;>;");
            consume.addAnnotation(Incoming.class).addValue("value", channel);
            ResultHandle target = consume.readInstanceField(
                    FieldDescriptor.of(className, "dispatcher", HandlerDispatcher.class), consume.getThis());
            consume.returnValue(consume.invokeVirtualMethod(
                    MethodDescriptor.ofMethod(HandlerDispatcher.class, "dispatchBatch", Uni.class, String.class,
                            Message.class),
                    target, consume.load(channel), consume.getMethodParam(0)));
        }
    }
}
