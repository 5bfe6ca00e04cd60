package io.quarkiverse.kafkaevents.deployment.events;

import java.util.List;

import org.jboss.jandex.Type;

import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import io.quarkus.builder.item.MultiBuildItem;

/**
 * One {@code @EventTopic} type of the application, validated.
 */
public final class EventTypeBuildItem extends MultiBuildItem {

    /**
     * A {@code @PartitionKey} member: a field read directly or a no-argument method called.
     *
     * @param label how messages name it (a record component, field or method name)
     * @param field whether it is a field (otherwise a method)
     * @param memberName the field or method name
     * @param type its type
     * @param order its position in a composite key
     */
    public record KeyMember(String label, boolean field, String memberName, Type type, int order) {
    }

    private final EventTypeInfo info;
    private final List<KeyMember> keyMembers;

    public EventTypeBuildItem(String className, String type, String topicBase, String domain, String version,
            boolean internal, EventTypeInfo.KeyStyle keyStyle, List<KeyMember> keyMembers) {
        this.info = new EventTypeInfo(className, type, topicBase, domain, version, internal, keyStyle);
        this.keyMembers = List.copyOf(keyMembers);
    }

    public String className() {
        return info.getClassName();
    }

    public String type() {
        return info.getType();
    }

    public String topicBase() {
        return info.getTopicBase();
    }

    public String domain() {
        return info.getDomain();
    }

    public String version() {
        return info.getVersion();
    }

    public boolean internal() {
        return info.isInternal();
    }

    public EventTypeInfo.KeyStyle keyStyle() {
        return info.getKeyStyle();
    }

    /** Key members in key order. */
    public List<KeyMember> keyMembers() {
        return keyMembers;
    }

    /** The name of the generated partition key extractor (in the event's package, so it may read package members). */
    public String extractorClassName() {
        return className() + "_KafkaEventsPartitionKey";
    }

    /** What the runtime gets to know about the type. */
    public EventTypeInfo toInfo() {
        return info;
    }
}
