package io.quarkiverse.kafkaevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the record component, field or getter whose value is the Kafka record key of an event. Events with equal keys
 * land on the same partition and are handled in order.
 * <p>
 * Several members make a composite key: their values are joined in ascending {@link #order()} with
 * {@value #SEPARATOR} between them. A member whose value is {@code null} makes the publication fail, naming the
 * member, since an event without its key would lose its ordering silently.
 * <p>
 * An event type uses either {@code @PartitionKey} or {@link DistributedEvent}, not both. An event type with neither
 * is published without a key: the producer spreads such events over the partitions with no ordering promise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER })
public @interface PartitionKey {

    /** The separator between the parts of a composite key. */
    String SEPARATOR = ":";

    /**
     * The position of this member in a composite key; must be unique within an event type.
     */
    int order() default 0;
}
