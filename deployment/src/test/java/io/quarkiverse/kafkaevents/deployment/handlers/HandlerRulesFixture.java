package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.deployment.events.EventTypeScanner;

/**
 * The event types and helpers of the handler rule tests ({@link HandlerRulesTest}, {@link HandlerErrorRulesTest}):
 * {@link HandlersProcessor#check} on methods of a hand-built Jandex index holding these types and one handler class.
 */
final class HandlerRulesFixture {

    private HandlerRulesFixture() {
    }

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

    static final Class<?>[] EVENT_TYPES = { OrderPlaced.class, OrderCancelled.class, InvoiceIssued.class,
            OrderPicked.class, OrderAudited.class, OrderPlacedV2.class, NotAnEvent.class };

    static Index index(Class<?> handlerClass) {
        Class<?>[] all = new Class<?>[EVENT_TYPES.length + 1];
        System.arraycopy(EVENT_TYPES, 0, all, 0, EVENT_TYPES.length);
        all[EVENT_TYPES.length] = handlerClass;
        try {
            return Index.of(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, EventTypeBuildItem> typesByClass(Class<?> handlerClass) {
        EventTypeScanner.Result result = EventTypeScanner.scan(index(handlerClass));
        assertEquals(List.of(), result.errors());
        Map<String, EventTypeBuildItem> types = new HashMap<>();
        for (EventTypeBuildItem type : result.eventTypes()) {
            types.put(type.className(), type);
        }
        assertEquals(EVENT_TYPES.length - 1, types.size(), types.keySet().toString());
        return types;
    }

    static MethodInfo method(Class<?> handlerClass, String name) {
        ClassInfo clazz = index(handlerClass).getClassByName(DotName.createSimple(handlerClass.getName()));
        assertNotNull(clazz, handlerClass.getName());
        List<MethodInfo> methods = clazz.methods().stream().filter(m -> m.name().equals(name)).toList();
        assertEquals(1, methods.size(), "methods named " + name + " in " + handlerClass.getName());
        return methods.get(0);
    }

    static HandlerBuildItem valid(Class<?> handlerClass, String name) {
        List<String> errors = new ArrayList<>();
        HandlerBuildItem handler = HandlersProcessor.check(method(handlerClass, name), typesByClass(handlerClass),
                errors);
        assertEquals(List.of(), errors);
        assertNotNull(handler);
        return handler;
    }

    static List<String> errors(Class<?> handlerClass, String name) {
        List<String> errors = new ArrayList<>();
        HandlerBuildItem handler = HandlersProcessor.check(method(handlerClass, name), typesByClass(handlerClass),
                errors);
        assertNull(handler, "an invalid handler must not produce a build item");
        assertFalse(errors.isEmpty());
        return errors;
    }

    /** The one error of an invalid handler, checked to name its class and method. */
    static String singleError(Class<?> handlerClass, String name) {
        List<String> errors = errors(handlerClass, name);
        assertEquals(1, errors.size(), errors.toString());
        String error = errors.get(0);
        assertMentions(error, "@EventHandler", handlerClass.getName() + "#" + name);
        return error;
    }

    static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }
}
