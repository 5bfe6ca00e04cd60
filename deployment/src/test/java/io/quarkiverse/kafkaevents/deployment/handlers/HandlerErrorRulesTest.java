package io.quarkiverse.kafkaevents.deployment.handlers;

import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.assertMentions;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.errors;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.method;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.singleError;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.typesByClass;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.NotAnEvent;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderCancelled;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderPlaced;

/**
 * {@link HandlersProcessor#check} on invalid handler methods of a hand-built Jandex index: one test per error rule
 * (parameters, return type, modifiers, the declaring class), each checking that the message names the class and the
 * method; every problem of a method is collected, after earlier errors.
 */
public class HandlerErrorRulesTest {

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
        assertNotNull(valid(HandlerRulesTest.ValidHandlers.class, "blocking"));
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
}
