package io.quarkiverse.kafkaevents.deployment.events;

import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.byClass;
import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.scan;
import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo.KeyStyle;

/**
 * {@link EventTypeScanner} on hand-built Jandex indexes: what valid event types become. The error rules are in
 * {@link EventTypeErrorRulesTest}.
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
        EventTypeScanner.Result result = scan(OrderLine.class, OrderLineAdded.class,
                EventTypeErrorRulesTest.StaticFieldKey.class,
                EventTypeErrorRulesTest.NoTopic.class, PaymentTaken.class);
        assertEquals(2, result.errors().size(), result.errors().toString());
        assertEquals(List.of(OrderLineAdded.class.getName(), PaymentTaken.class.getName()),
                result.eventTypes().stream().map(EventTypeBuildItem::className).toList());
    }
}
