package io.quarkiverse.kafkaevents.deployment.events;

import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.assertMentions;
import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.scan;
import static io.quarkiverse.kafkaevents.deployment.events.EventTypeScans.singleError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/**
 * {@link EventTypeScanner} on hand-built Jandex indexes: one test per error rule, each checking what the message
 * names.
 */
public class EventTypeErrorRulesTest {

    // ---------------------------------------------------------------- invalid event types

    @EventTopic(value = "orders", entity = EventTypeScannerTest.OrderLine.class)
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

    // ---------------------------------------------------------------- error rules

    @Test
    void valueAndEntityBothSet() {
        assertMentions(singleError(EventTypeScannerTest.OrderLine.class, ValueAndEntity.class), ValueAndEntity.class.getName(),
                "value",
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
}
