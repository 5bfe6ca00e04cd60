package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.jboss.jandex.Index;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo.KeyStyle;

/**
 * {@link EventTypeScanner} on hand-built Jandex indexes: what valid event types become, and one test per error rule.
 */
public class EventTypeScannerTest {

    // ---------------------------------------------------------------- valid event types

    public static class OrderLine {
    }

    public static class Category {
    }

    @EventTopic(entity = OrderLine.class)
    public record OrderLineAdded(String orderId) {
    }

    @EventTopic(entity = Category.class)
    public record CategoryCreated(String id) {
    }

    @EventTopic(entity = Category.class, pluralize = false)
    public record CategoryRenamed(String id) {
    }

    @EventTopic("order")
    public record OrderPlaced(String id) {
    }

    @EventTopic(value = "Invoice-Events", pluralize = false, domain = "Billing", version = "V2", internal = true, type = "billing.InvoiceIssued")
    public record InvoiceIssued(@PartitionKey String invoiceId, long amount) {
    }

    @EventTopic("shipments")
    public record ShipmentSent(String shipmentId) implements DistributedEvent {
        @Override
        public String partitionKey() {
            return shipmentId;
        }
    }

    /** Composite key declared out of order, through every kind of readable member. */
    @EventTopic("payments")
    public static class PaymentTaken {
        @PartitionKey(order = 2)
        public String region;
        @PartitionKey(order = 0)
        private String tenantId;
        @PartitionKey(order = 3)
        private boolean primary;
        @PartitionKey(order = 4)
        private String code;
        String notAKey;

        public String getTenantId() {
            return tenantId;
        }

        public boolean isPrimary() {
            return primary;
        }

        public String code() {
            return code;
        }

        @PartitionKey(order = 1)
        public String accountKey() {
            return "account";
        }
    }

    // ---------------------------------------------------------------- invalid event types

    @EventTopic(value = "orders", entity = OrderLine.class)
    public record ValueAndEntity(String id) {
    }

    @EventTopic(domain = "sales")
    public record NoTopic(String id) {
    }

    @EventTopic("things")
    public abstract static class AbstractEvent {
    }

    @EventTopic("things")
    public interface InterfaceEvent {
    }

    @EventTopic("orders!")
    public record InvalidValue(String id) {
    }

    @EventTopic("Big Orders")
    public record InvalidMixedCaseValue(String id) {
    }

    @EventTopic(value = "orders", domain = "Sales Domain")
    public record InvalidDomain(String id) {
    }

    @EventTopic(value = "orders", version = "v/2")
    public record InvalidVersion(String id) {
    }

    static final String TEN = "abcdefghij";
    static final String LONG_NAME = TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN;

    @EventTopic(value = LONG_NAME, pluralize = false)
    public record TooLong(String id) {
    }

    @EventTopic(value = "first", type = "Dup")
    public record DupTypeOne(String id) {
    }

    @EventTopic(value = "second", type = "Dup")
    public record DupTypeTwo(String id) {
    }

    public static class Sales {
        @EventTopic("sales")
        public record Created(String id) {
        }
    }

    public static class Billing {
        @EventTopic("bills")
        public record Created(String id) {
        }
    }

    @EventTopic("orders")
    public static class DuplicateOrderFields {
        @PartitionKey
        public String alpha;
        @PartitionKey
        public String beta;
    }

    @EventTopic("orders")
    public record DuplicateOrderComponents(@PartitionKey(order = 1) String left, @PartitionKey(order = 1) String right) {
    }

    @EventTopic("orders")
    public static class PrivateFieldNoGetter {
        @PartitionKey
        private String secret;
    }

    @EventTopic("orders")
    public static class PrivateFieldPrivateGetter {
        @PartitionKey
        private String hidden;

        private String getHidden() {
            return hidden;
        }
    }

    @EventTopic("orders")
    public static class StaticFieldKey {
        @PartitionKey
        public static String TENANT = "t";
    }

    @EventTopic("orders")
    public static class KeyMethodWithParameter {
        @PartitionKey
        public String keyFor(String prefix) {
            return prefix;
        }
    }

    @EventTopic("orders")
    public static class VoidKeyMethod {
        @PartitionKey
        public void touch() {
        }
    }

    @EventTopic("orders")
    public static class StaticKeyMethod {
        @PartitionKey
        public static String globalKey() {
            return "k";
        }
    }

    @EventTopic("orders")
    public static class ConstructorParameterKey {
        private final String id;

        public ConstructorParameterKey(@PartitionKey String id) {
            this.id = id;
        }

        public String getId() {
            return id;
        }
    }

    @EventTopic("orders")
    public record DistributedWithPartitionKey(@PartitionKey String tenantId) implements DistributedEvent {
        @Override
        public String partitionKey() {
            return tenantId;
        }
    }

    // ---------------------------------------------------------------- valid cases

    @Test
    void entityGivesKebabPluralTopicAndDefaults() {
        EventTypeScanner.Result result = scan(OrderLine.class, OrderLineAdded.class);
        assertEquals(List.of(), result.errors());
        EventTypeBuildItem type = single(result);
        assertEquals(OrderLineAdded.class.getName(), type.className());
        assertEquals("order-lines", type.topicBase());
        assertEquals("OrderLineAdded", type.type());
        assertEquals("", type.domain());
        assertEquals("", type.version());
        assertFalse(type.internal());
        assertEquals(KeyStyle.NONE, type.keyStyle());
        assertTrue(type.keyMembers().isEmpty());
    }

    @Test
    void entityPluralizeAndPluralizeFalse() {
        EventTypeScanner.Result result = scan(Category.class, CategoryCreated.class, CategoryRenamed.class);
        assertEquals(List.of(), result.errors());
        assertEquals(2, result.eventTypes().size());
        assertEquals("categories", byClass(result, CategoryCreated.class).topicBase());
        assertEquals("category", byClass(result, CategoryRenamed.class).topicBase());
    }

    @Test
    void valueIsPluralizedByDefault() {
        EventTypeBuildItem type = single(scan(OrderPlaced.class));
        assertEquals("orders", type.topicBase());
    }

    @Test
    void valueDomainVersionLowerCasedInternalAndTypeOverride() {
        EventTypeScanner.Result result = scan(InvoiceIssued.class);
        assertEquals(List.of(), result.errors());
        EventTypeBuildItem type = single(result);
        assertEquals("invoice-events", type.topicBase());
        assertEquals("billing", type.domain());
        assertEquals("v2", type.version());
        assertTrue(type.internal());
        assertEquals("billing.InvoiceIssued", type.type());
        assertEquals(KeyStyle.MEMBERS, type.keyStyle());
        assertEquals(1, type.keyMembers().size());
        EventTypeBuildItem.KeyMember member = type.keyMembers().get(0);
        assertEquals("record component invoiceId", member.label());
        assertFalse(member.field());
        assertEquals("invoiceId", member.memberName());
        assertEquals("java.lang.String", member.type().name().toString());
    }

    @Test
    void distributedEventHasInterfaceKeyStyle() {
        EventTypeScanner.Result result = scan(ShipmentSent.class);
        assertEquals(List.of(), result.errors());
        EventTypeBuildItem type = single(result);
        assertEquals(KeyStyle.INTERFACE, type.keyStyle());
        assertTrue(type.keyMembers().isEmpty());
    }

    @Test
    void compositeKeyMembersSortedByOrderAndPrivateFieldsReadThroughGetters() {
        EventTypeScanner.Result result = scan(PaymentTaken.class);
        assertEquals(List.of(), result.errors());
        EventTypeBuildItem type = single(result);
        assertEquals(KeyStyle.MEMBERS, type.keyStyle());
        List<EventTypeBuildItem.KeyMember> members = type.keyMembers();
        assertEquals(List.of(0, 1, 2, 3, 4), members.stream().map(EventTypeBuildItem.KeyMember::order).toList());
        assertEquals(List.of("getTenantId", "accountKey", "region", "isPrimary", "code"),
                members.stream().map(EventTypeBuildItem.KeyMember::memberName).toList());
        assertEquals(List.of(false, false, true, false, false),
                members.stream().map(EventTypeBuildItem.KeyMember::field).toList());
        assertEquals(List.of("field tenantId", "method accountKey()", "field region", "field primary", "field code"),
                members.stream().map(EventTypeBuildItem.KeyMember::label).toList());
        assertEquals("boolean", members.get(3).type().name().toString());
    }

    @Test
    void validTypesAreSortedByClassName() {
        EventTypeScanner.Result result = scan(OrderPlaced.class, InvoiceIssued.class, ShipmentSent.class);
        assertEquals(List.of(), result.errors());
        assertEquals(List.of(InvoiceIssued.class.getName(), OrderPlaced.class.getName(), ShipmentSent.class.getName()),
                result.eventTypes().stream().map(EventTypeBuildItem::className).toList());
    }

    @Test
    void validTypesStillReturnedWhenOtherTypesHaveErrors() {
        EventTypeScanner.Result result = scan(OrderLine.class, OrderLineAdded.class, StaticFieldKey.class,
                NoTopic.class, PaymentTaken.class);
        assertEquals(2, result.errors().size(), result.errors().toString());
        assertEquals(List.of(OrderLineAdded.class.getName(), PaymentTaken.class.getName()),
                result.eventTypes().stream().map(EventTypeBuildItem::className).toList());
    }

    // ---------------------------------------------------------------- error rules

    @Test
    void valueAndEntityBothSet() {
        assertMentions(singleError(OrderLine.class, ValueAndEntity.class), ValueAndEntity.class.getName(), "value",
                "entity");
    }

    @Test
    void neitherValueNorEntity() {
        assertMentions(singleError(NoTopic.class), NoTopic.class.getName(), "value", "entity");
    }

    @Test
    void abstractClassRejected() {
        assertMentions(singleError(AbstractEvent.class), AbstractEvent.class.getName(), "concrete");
    }

    @Test
    void interfaceRejected() {
        assertMentions(singleError(InterfaceEvent.class), InterfaceEvent.class.getName(), "concrete");
    }

    @Test
    void invalidCharactersInValue() {
        assertMentions(singleError(InvalidValue.class), InvalidValue.class.getName(), "invalid value", "\"orders!\"");
    }

    @Test
    void invalidValueReportedAsTyped() {
        assertMentions(singleError(InvalidMixedCaseValue.class), InvalidMixedCaseValue.class.getName(),
                "invalid value", "\"Big Orders\"");
    }

    @Test
    void invalidCharactersInDomain() {
        assertMentions(singleError(InvalidDomain.class), InvalidDomain.class.getName(), "invalid domain",
                "\"Sales Domain\"");
    }

    @Test
    void invalidCharactersInVersion() {
        assertMentions(singleError(InvalidVersion.class), InvalidVersion.class.getName(), "invalid version", "\"v/2\"");
    }

    @Test
    void tooLongTopicName() {
        assertEquals(250, LONG_NAME.length());
        assertMentions(singleError(TooLong.class), TooLong.class.getName(), "topic name", "249");
    }

    @Test
    void duplicateTypeOverride() {
        EventTypeScanner.Result result = scan(DupTypeOne.class, DupTypeTwo.class);
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertMentions(result.errors().get(0), DupTypeOne.class.getName(), DupTypeTwo.class.getName(), "'Dup'");
    }

    @Test
    void duplicateDefaultTypeFromSameSimpleName() {
        EventTypeScanner.Result result = scan(Sales.Created.class, Billing.Created.class);
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertMentions(result.errors().get(0), Sales.Created.class.getName(), Billing.Created.class.getName(),
                "'Created'");
    }

    @Test
    void duplicatePartitionKeyOrderOnFields() {
        assertMentions(singleError(DuplicateOrderFields.class), DuplicateOrderFields.class.getName(), "order = 0",
                "field alpha", "field beta");
    }

    @Test
    void duplicatePartitionKeyOrderOnRecordComponents() {
        assertMentions(singleError(DuplicateOrderComponents.class), DuplicateOrderComponents.class.getName(),
                "order = 1", "record component left", "record component right");
    }

    @Test
    void privateFieldWithoutGetter() {
        assertMentions(singleError(PrivateFieldNoGetter.class), PrivateFieldNoGetter.class.getName() + ".secret",
                "private field", "getSecret()");
    }

    @Test
    void privateFieldWithOnlyAPrivateGetter() {
        assertMentions(singleError(PrivateFieldPrivateGetter.class),
                PrivateFieldPrivateGetter.class.getName() + ".hidden", "private field");
    }

    @Test
    void staticFieldKey() {
        assertMentions(singleError(StaticFieldKey.class), StaticFieldKey.class.getName() + ".TENANT", "static field");
    }

    @Test
    void keyMethodWithParameters() {
        assertMentions(singleError(KeyMethodWithParameter.class), KeyMethodWithParameter.class.getName() + ".keyFor()",
                "no parameters");
    }

    @Test
    void voidKeyMethod() {
        assertMentions(singleError(VoidKeyMethod.class), VoidKeyMethod.class.getName() + ".touch()", "returns the key");
    }

    @Test
    void staticKeyMethod() {
        assertMentions(singleError(StaticKeyMethod.class), StaticKeyMethod.class.getName() + ".globalKey()",
                "non-static");
    }

    @Test
    void partitionKeyOnConstructorParameterOfPlainClass() {
        assertMentions(singleError(ConstructorParameterKey.class), ConstructorParameterKey.class.getName(),
                "@PartitionKey on parameter id of", "constructor", "field or its getter");
    }

    @Test
    void distributedEventWithPartitionKey() {
        assertMentions(singleError(DistributedWithPartitionKey.class), DistributedWithPartitionKey.class.getName(),
                "DistributedEvent", "record component tenantId");
    }

    // ---------------------------------------------------------------- helpers

    private static EventTypeScanner.Result scan(Class<?>... classes) {
        List<Class<?>> all = new ArrayList<>(List.of(EventTopic.class, PartitionKey.class, DistributedEvent.class));
        all.addAll(List.of(classes));
        try {
            return EventTypeScanner.scan(Index.of(all.toArray(Class<?>[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EventTypeBuildItem single(EventTypeScanner.Result result) {
        assertEquals(List.of(), result.errors());
        assertEquals(1, result.eventTypes().size(), result.eventTypes().toString());
        return result.eventTypes().get(0);
    }

    private static EventTypeBuildItem byClass(EventTypeScanner.Result result, Class<?> clazz) {
        return result.eventTypes().stream().filter(t -> t.className().equals(clazz.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no event type " + clazz.getName()));
    }

    /** Scans the classes, expecting exactly one error and no valid event type; returns the error. */
    private static String singleError(Class<?>... classes) {
        EventTypeScanner.Result result = scan(classes);
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertTrue(result.eventTypes().isEmpty(), "no valid types expected: " + result.eventTypes());
        return result.errors().get(0);
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }
}
