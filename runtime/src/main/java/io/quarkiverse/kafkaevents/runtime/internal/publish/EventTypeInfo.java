package io.quarkiverse.kafkaevents.runtime.internal.publish;

import io.quarkus.runtime.annotations.RecordableConstructor;

/**
 * What the build found out about one {@code @EventTopic} type, handed to the runtime by the recorder.
 */
public final class EventTypeInfo {

    /** How the record key of an event type is computed. */
    public enum KeyStyle {
        /** No key: the producer spreads events over partitions. */
        NONE,
        /** {@code @PartitionKey} members, read by a generated {@link PartitionKeyExtractor}. */
        MEMBERS,
        /** The event implements {@code DistributedEvent}. */
        INTERFACE
    }

    private final String className;
    private final String type;
    private final String topicBase;
    private final String domain;
    private final String version;
    private final boolean internal;
    private final KeyStyle keyStyle;
    private final boolean usedByApplication;

    public EventTypeInfo(String className, String type, String topicBase, String domain, String version,
            boolean internal, KeyStyle keyStyle) {
        this(className, type, topicBase, domain, version, internal, keyStyle, false);
    }

    @RecordableConstructor
    public EventTypeInfo(String className, String type, String topicBase, String domain, String version,
            boolean internal, KeyStyle keyStyle, boolean usedByApplication) {
        this.usedByApplication = usedByApplication;
        this.className = className;
        this.type = type;
        this.topicBase = topicBase;
        this.domain = domain;
        this.version = version;
        this.internal = internal;
        this.keyStyle = keyStyle;
    }

    /** The event class. */
    public String getClassName() {
        return className;
    }

    /** The CloudEvents type. */
    public String getType() {
        return type;
    }

    /** The topic base name (already kebab-cased and pluralized as declared). */
    public String getTopicBase() {
        return topicBase;
    }

    /** The domain from {@code @EventTopic}, empty for the configured default. */
    public String getDomain() {
        return domain;
    }

    /** The version suffix, empty for none. */
    public String getVersion() {
        return version;
    }

    public boolean isInternal() {
        return internal;
    }

    public KeyStyle getKeyStyle() {
        return keyStyle;
    }

    /**
     * Whether the application's own code declares or refers to the type (so it may publish it), as opposed to a type
     * that only sits in a dependency, such as a shared contracts jar.
     */
    public boolean isUsedByApplication() {
        return usedByApplication;
    }

    /** The same type, marked as used (or not) by the application's own code. */
    public EventTypeInfo usedByApplication(boolean used) {
        return new EventTypeInfo(className, type, topicBase, domain, version, internal, keyStyle, used);
    }
}
