package io.quarkiverse.kafkaevents.deployment.handlers;

import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.errors;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.method;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.typesByClass;
import static io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventContext;
import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.InvoiceIssued;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderAudited;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderCancelled;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderPicked;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderPlaced;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerRulesFixture.OrderPlacedV2;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.smallrye.mutiny.Uni;

/**
 * {@link HandlersProcessor#check} on valid handler methods of a hand-built Jandex index: what they become (kind,
 * context, group, batch, event type, label) and which handlers share a channel. The error rules are in
 * {@link HandlerErrorRulesTest}.
 */
public class HandlerRulesTest {

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
}
