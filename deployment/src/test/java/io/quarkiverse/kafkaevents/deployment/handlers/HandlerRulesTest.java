package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.MethodInfo;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeScanner;
import io.quarkiverse.kafkaevents.runtime.internal.handle.EventInvoker;
import io.smallrye.mutiny.Uni;

/**
 * {@link HandlersProcessor#check} on methods of a hand-built Jandex index: what valid handlers become, and one test per
 * error rule, each checking that the message names the class and the method.
 */
public class HandlerRulesTest {

    // ---------------------------------------------------------------- event types

    @EventTopic(value = "orders", domain = "shop", pluralize = false)
    public record OrderPlaced(String id) {
    }

    /** Same topic as {@link OrderPlaced}. */
    @EventTopic(value = "orders", domain = "shop", pluralize = false)
    public record OrderCancelled(String id) {
    }

    /** Another topic in the same domain. */
    @EventTopic(value = "invoices", domain = "shop", pluralize = false)
    public record InvoiceIssued(String id) {
    }

    /** Same topic base, another domain. */
    @EventTopic(value = "orders", domain = "warehouse", pluralize = false)
    public record OrderPicked(String id) {
    }

    /** Same topic base and domain, but internal. */
    @EventTopic(value = "orders", domain = "shop", pluralize = false, internal = true)
    public record OrderAudited(String id) {
    }

    /** Same topic base and domain, another version. */
    @EventTopic(value = "orders", domain = "shop", pluralize = false, version = "v2")
    public record OrderPlacedV2(String id) {
    }

    /** Not an event type. */
    public record NotAnEvent(String id) {
    }

    private static final Class<?>[] EVENT_TYPES = { OrderPlaced.class, OrderCancelled.class, InvoiceIssued.class,
            OrderPicked.class, OrderAudited.class, OrderPlacedV2.class, NotAnEvent.class };

    // ---------------------------------------------------------------- valid handlers

    public static class ValidHandlers {

        @EventHandler
        void blocking(OrderPlaced event) {
        }

        @EventHandler(group = "audit")
        void blockingWithContext(OrderPlaced event, EventContext context) {
        }

        @EventHandler
        Uni<Void> uni(OrderCancelled event) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler(group = "audit")
        Uni<Void> uniWithContext(OrderCancelled event, EventContext context) {
            return Uni.createFrom().voidItem();
        }

        @EventHandler
        CompletionStage<Void> stage(InvoiceIssued event) {
            return CompletableFuture.completedFuture(null);
        }

        @EventHandler(group = "audit")
        public CompletionStage<Void> stageWithContext(InvoiceIssued event, EventContext context) {
            return CompletableFuture.completedFuture(null);
        }

        @EventHandler
        protected CompletableFuture<Void> future(OrderPicked event) {
            return CompletableFuture.completedFuture(null);
        }

        @EventHandler
        void audited(OrderAudited event) {
        }

        @EventHandler
        void placedV2(OrderPlacedV2 event) {
        }

        @EventHandler(group = "  billing  ")
        void paddedGroup(OrderPlaced event) {
        }

        @EventHandler(group = "billing")
        void billing(OrderCancelled event) {
        }

        @EventHandler(group = "   ")
        void blankGroup(OrderCancelled event) {
        }

        @EventHandler(group = "batches")
        void batch(List<OrderPlaced> events) {
        }

        @EventHandler(group = "batches")
        Uni<Void> uniBatchWithContexts(List<InvoiceIssued> events, List<EventContext> contexts) {
            return Uni.createFrom().voidItem();
        }
    }

    @Test
    void batchHandlers() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "batch");
        assertTrue(handler.batch());
        assertEquals(EventInvoker.BLOCKING, handler.kind());
        assertFalse(handler.withContext());
        assertEquals(OrderPlaced.class.getName(), handler.eventType().className());
        handler = valid(ValidHandlers.class, "uniBatchWithContexts");
        assertTrue(handler.batch());
        assertEquals(EventInvoker.UNI, handler.kind());
        assertTrue(handler.withContext());
        assertEquals(InvoiceIssued.class.getName(), handler.eventType().className());
        assertFalse(valid(ValidHandlers.class, "blocking").batch());
    }

    @Test
    void voidHandler() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "blocking");
        assertEquals(EventInvoker.BLOCKING, handler.kind());
        assertFalse(handler.withContext());
        assertEquals("", handler.group());
        assertEquals(OrderPlaced.class.getName(), handler.eventType().className());
        assertEquals(ValidHandlers.class.getName(), handler.beanClass());
        assertEquals(ValidHandlers.class.getName() + "#blocking", handler.label());
        assertEquals("blocking", handler.method().name());
    }

    @Test
    void voidHandlerWithContext() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "blockingWithContext");
        assertEquals(EventInvoker.BLOCKING, handler.kind());
        assertTrue(handler.withContext());
        assertEquals("audit", handler.group());
        assertEquals(OrderPlaced.class.getName(), handler.eventType().className());
    }

    @Test
    void uniHandler() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "uni");
        assertEquals(EventInvoker.UNI, handler.kind());
        assertFalse(handler.withContext());
        assertEquals("", handler.group());
        assertEquals(OrderCancelled.class.getName(), handler.eventType().className());
    }

    @Test
    void uniHandlerWithContext() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "uniWithContext");
        assertEquals(EventInvoker.UNI, handler.kind());
        assertTrue(handler.withContext());
        assertEquals("audit", handler.group());
    }

    @Test
    void completionStageHandler() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "stage");
        assertEquals(EventInvoker.COMPLETION_STAGE, handler.kind());
        assertFalse(handler.withContext());
        assertEquals("", handler.group());
        assertEquals(InvoiceIssued.class.getName(), handler.eventType().className());
    }

    @Test
    void completionStageHandlerWithContext() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "stageWithContext");
        assertEquals(EventInvoker.COMPLETION_STAGE, handler.kind());
        assertTrue(handler.withContext());
        assertEquals("audit", handler.group());
    }

    @Test
    void completableFutureHandler() {
        HandlerBuildItem handler = valid(ValidHandlers.class, "future");
        assertEquals(EventInvoker.COMPLETION_STAGE, handler.kind());
        assertFalse(handler.withContext());
        assertEquals(OrderPicked.class.getName(), handler.eventType().className());
    }

    @Test
    void groupIsTrimmed() {
        assertEquals("billing", valid(ValidHandlers.class, "paddedGroup").group());
        assertEquals("", valid(ValidHandlers.class, "blankGroup").group());
    }

    @Test
    void sameTopicAndGroupShareAChannel() {
        // default group
        assertEquals(valid(ValidHandlers.class, "blocking").channel(), valid(ValidHandlers.class, "uni").channel());
        // explicit group
        assertEquals(valid(ValidHandlers.class, "blockingWithContext").channel(),
                valid(ValidHandlers.class, "uniWithContext").channel());
        // the group is trimmed before it identifies the channel
        assertEquals(valid(ValidHandlers.class, "paddedGroup").channel(),
                valid(ValidHandlers.class, "billing").channel());
        assertEquals(valid(ValidHandlers.class, "blocking").channel(),
                valid(ValidHandlers.class, "blankGroup").channel());
    }

    @Test
    void channelIsStable() {
        assertEquals(valid(ValidHandlers.class, "blocking").channel(), valid(ValidHandlers.class, "blocking").channel());
        assertTrue(valid(ValidHandlers.class, "blocking").channel().startsWith("kafka-events-orders-"),
                valid(ValidHandlers.class, "blocking").channel());
        assertTrue(valid(ValidHandlers.class, "stage").channel().startsWith("kafka-events-invoices-"),
                valid(ValidHandlers.class, "stage").channel());
    }

    @Test
    void anotherGroupGetsAnotherChannel() {
        String defaultGroup = valid(ValidHandlers.class, "blocking").channel();
        String audit = valid(ValidHandlers.class, "blockingWithContext").channel();
        String billing = valid(ValidHandlers.class, "paddedGroup").channel();
        assertNotEquals(defaultGroup, audit);
        assertNotEquals(defaultGroup, billing);
        assertNotEquals(audit, billing);
    }

    @Test
    void anotherTopicGetsAnotherChannel() {
        String orders = valid(ValidHandlers.class, "blocking").channel();
        // another topic base
        assertNotEquals(orders, valid(ValidHandlers.class, "stage").channel());
        // same group "audit", another topic base
        assertNotEquals(valid(ValidHandlers.class, "blockingWithContext").channel(),
                valid(ValidHandlers.class, "stageWithContext").channel());
        // same topic base, another domain / scope / version
        assertNotEquals(orders, valid(ValidHandlers.class, "future").channel());
        assertNotEquals(orders, valid(ValidHandlers.class, "audited").channel());
        assertNotEquals(orders, valid(ValidHandlers.class, "placedV2").channel());
    }

    @Test
    void validHandlerIgnoresEarlierErrors() {
        List<String> errors = new ArrayList<>(List.of("an earlier problem"));
        HandlerBuildItem handler = HandlersProcessor.check(method(ValidHandlers.class, "blocking"),
                typesByClass(ValidHandlers.class), errors);
        assertNotNull(handler);
        assertEquals(List.of("an earlier problem"), errors);
    }

    // ---------------------------------------------------------------- parameters

    public static class ParameterHandlers {

        @EventHandler
        void notAnEventType(String payload) {
        }

        @EventHandler
        void unannotatedRecord(NotAnEvent event) {
        }

        @EventHandler
        void primitive(int value) {
        }

        @EventHandler
        void array(OrderPlaced[] events) {
        }

        @EventHandler
        void listOfStrings(List<String> events) {
        }

        @EventHandler
        void rawList(@SuppressWarnings("rawtypes") List events) {
        }

        @EventHandler
        void batchWithSingleContext(List<OrderPlaced> events, EventContext context) {
        }

        @EventHandler
        void singleWithContextList(OrderPlaced event, List<EventContext> contexts) {
        }

        @EventHandler
        void noParameters() {
        }

        @EventHandler
        void threeParameters(OrderPlaced event, EventContext context, String extra) {
        }

        @EventHandler
        void secondNotContext(OrderPlaced event, String context) {
        }

        @EventHandler
        void bothWrong(String payload, String context) {
        }
    }

    @Test
    void firstParameterNotAnEventType() {
        String error = singleError(ParameterHandlers.class, "notAnEventType");
        assertMentions(error, "java.lang.String", "not an event type", "@EventTopic");
    }

    @Test
    void firstParameterRecordWithoutEventTopic() {
        String error = singleError(ParameterHandlers.class, "unannotatedRecord");
        assertMentions(error, NotAnEvent.class.getName(), "not an event type");
    }

    @Test
    void firstParameterPrimitive() {
        String error = singleError(ParameterHandlers.class, "primitive");
        assertMentions(error, "int", "not an event type");
    }

    @Test
    void firstParameterArrayOfEvents() {
        String error = singleError(ParameterHandlers.class, "array");
        assertMentions(error, "not an event type");
    }

    @Test
    void listOfNonEvents() {
        String error = singleError(ParameterHandlers.class, "listOfStrings");
        assertMentions(error, "java.util.List<java.lang.String>", "not a List of an event type", "@EventTopic");
        assertMentions(singleError(ParameterHandlers.class, "rawList"), "not a List of an event type");
    }

    @Test
    void batchHandlerTakesAListOfContexts() {
        String error = singleError(ParameterHandlers.class, "batchWithSingleContext");
        assertMentions(error, "second parameter", "List<" + EventContext.class.getName() + ">", "batch handler");
        error = singleError(ParameterHandlers.class, "singleWithContextList");
        assertMentions(error, "second parameter", EventContext.class.getName(), "java.util.List");
    }

    @Test
    void noParameters() {
        String error = singleError(ParameterHandlers.class, "noParameters");
        assertMentions(error, "has 0 parameters", "EventContext");
    }

    @Test
    void threeParameters() {
        String error = singleError(ParameterHandlers.class, "threeParameters");
        assertMentions(error, "has 3 parameters", "EventContext");
    }

    @Test
    void secondParameterNotEventContext() {
        String error = singleError(ParameterHandlers.class, "secondNotContext");
        assertMentions(error, "second parameter", EventContext.class.getName(), "java.lang.String");
    }

    @Test
    void bothParametersWrongGivesTwoErrors() {
        List<String> errors = errors(ParameterHandlers.class, "bothWrong");
        assertEquals(2, errors.size(), errors.toString());
        for (String error : errors) {
            assertMentions(error, ParameterHandlers.class.getName() + "#bothWrong");
        }
        assertTrue(errors.stream().anyMatch(e -> e.contains("not an event type")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("second parameter")), errors.toString());
    }

    // ---------------------------------------------------------------- return types

    public static class ReturnHandlers {

        @EventHandler
        String string(OrderPlaced event) {
            return "";
        }

        @EventHandler
        Object object(OrderPlaced event) {
            return null;
        }

        @EventHandler
        boolean primitive(OrderPlaced event) {
            return true;
        }
    }

    @Test
    void unsupportedReturnType() {
        String error = singleError(ReturnHandlers.class, "string");
        assertMentions(error, "returns java.lang.String", "void", "Uni<Void>", "CompletionStage<Void>");
    }

    @Test
    void objectReturnType() {
        assertMentions(singleError(ReturnHandlers.class, "object"), "returns java.lang.Object");
    }

    @Test
    void primitiveReturnType() {
        assertMentions(singleError(ReturnHandlers.class, "primitive"), "returns boolean");
    }

    // ---------------------------------------------------------------- method modifiers

    public static class ModifierHandlers {

        @EventHandler
        private void privateHandler(OrderPlaced event) {
        }

        @EventHandler
        static void staticHandler(OrderPlaced event) {
        }
    }

    @Test
    void privateMethod() {
        assertMentions(singleError(ModifierHandlers.class, "privateHandler"), "non-private instance method");
    }

    @Test
    void staticMethod() {
        assertMentions(singleError(ModifierHandlers.class, "staticHandler"), "non-private instance method");
    }

    // ---------------------------------------------------------------- declaring classes

    public abstract static class AbstractHandlers {

        @EventHandler
        void on(OrderPlaced event) {
        }
    }

    public interface InterfaceHandlers {

        @EventHandler
        void on(OrderPlaced event);

        @EventHandler
        default void onDefault(OrderCancelled event) {
        }
    }

    public class InnerHandlers {

        @EventHandler
        void on(OrderPlaced event) {
        }
    }

    /** Everything wrong at once. */
    public abstract static class AllWrong {

        @EventHandler
        private static String on() {
            return "";
        }
    }

    @Test
    void abstractClass() {
        assertMentions(singleError(AbstractHandlers.class, "on"), "concrete class");
    }

    @Test
    void interfaceMethod() {
        assertMentions(singleError(InterfaceHandlers.class, "on"), "concrete class");
    }

    @Test
    void interfaceDefaultMethod() {
        assertMentions(singleError(InterfaceHandlers.class, "onDefault"), "concrete class");
    }

    @Test
    void nonStaticInnerClass() {
        assertMentions(singleError(InnerHandlers.class, "on"), "non-static inner class",
                InnerHandlers.class.getName() + " is");
    }

    @Test
    void staticNestedClassIsAccepted() {
        // ValidHandlers is a static nested class: it is not mistaken for an inner class
        assertNotNull(valid(ValidHandlers.class, "blocking"));
    }

    @Test
    void localClass() {
        class LocalHandlers {
            @EventHandler
            void on(OrderPlaced event) {
            }
        }
        assertMentions(singleError(LocalHandlers.class, "on"), "local and anonymous classes");
    }

    @Test
    void anonymousClass() {
        Object anonymous = new Object() {
            @EventHandler
            void on(OrderPlaced event) {
            }
        };
        assertMentions(singleError(anonymous.getClass(), "on"), "local and anonymous classes");
    }

    @Test
    void everyProblemOfOneMethodIsCollected() {
        List<String> errors = errors(AllWrong.class, "on");
        assertEquals(4, errors.size(), errors.toString());
        for (String error : errors) {
            assertMentions(error, AllWrong.class.getName() + "#on");
        }
        assertTrue(errors.stream().anyMatch(e -> e.contains("concrete class")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("non-private instance method")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("has 0 parameters")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("returns java.lang.String")), errors.toString());
    }

    @Test
    void errorsAreAppendedAfterEarlierOnes() {
        List<String> errors = new ArrayList<>(List.of("an earlier problem"));
        assertNull(HandlersProcessor.check(method(ReturnHandlers.class, "string"), typesByClass(ReturnHandlers.class),
                errors));
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("an earlier problem", errors.get(0));
        assertMentions(errors.get(1), ReturnHandlers.class.getName() + "#string");
    }

    // ---------------------------------------------------------------- helpers

    private static Index index(Class<?> handlerClass) {
        Class<?>[] all = new Class<?>[EVENT_TYPES.length + 1];
        System.arraycopy(EVENT_TYPES, 0, all, 0, EVENT_TYPES.length);
        all[EVENT_TYPES.length] = handlerClass;
        try {
            return Index.of(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, EventTypeBuildItem> typesByClass(Class<?> handlerClass) {
        EventTypeScanner.Result result = EventTypeScanner.scan(index(handlerClass));
        assertEquals(List.of(), result.errors());
        Map<String, EventTypeBuildItem> types = new HashMap<>();
        for (EventTypeBuildItem type : result.eventTypes()) {
            types.put(type.className(), type);
        }
        assertEquals(EVENT_TYPES.length - 1, types.size(), types.keySet().toString());
        return types;
    }

    private static MethodInfo method(Class<?> handlerClass, String name) {
        ClassInfo clazz = index(handlerClass).getClassByName(DotName.createSimple(handlerClass.getName()));
        assertNotNull(clazz, handlerClass.getName());
        List<MethodInfo> methods = clazz.methods().stream().filter(m -> m.name().equals(name)).toList();
        assertEquals(1, methods.size(), "methods named " + name + " in " + handlerClass.getName());
        return methods.get(0);
    }

    private static HandlerBuildItem valid(Class<?> handlerClass, String name) {
        List<String> errors = new ArrayList<>();
        HandlerBuildItem handler = HandlersProcessor.check(method(handlerClass, name), typesByClass(handlerClass),
                errors);
        assertEquals(List.of(), errors);
        assertNotNull(handler);
        return handler;
    }

    private static List<String> errors(Class<?> handlerClass, String name) {
        List<String> errors = new ArrayList<>();
        HandlerBuildItem handler = HandlersProcessor.check(method(handlerClass, name), typesByClass(handlerClass),
                errors);
        assertNull(handler, "an invalid handler must not produce a build item");
        assertFalse(errors.isEmpty());
        return errors;
    }

    /** The one error of an invalid handler, checked to name its class and method. */
    private static String singleError(Class<?> handlerClass, String name) {
        List<String> errors = errors(handlerClass, name);
        assertEquals(1, errors.size(), errors.toString());
        String error = errors.get(0);
        assertMentions(error, "@EventHandler", handlerClass.getName() + "#" + name);
        return error;
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }
}
