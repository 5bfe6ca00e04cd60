package io.quarkiverse.kafkaevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a class (a record, usually) as an integration event published to and consumed from a Kafka topic.
 * <p>
 * The topic is named {@code {environment}.{domain}.{public|internal}.{topic}[.{version}]}, in lower case:
 * <ul>
 * <li>{@code environment} comes from {@code quarkus.kafka-events.environment} (by default the active profile);</li>
 * <li>{@code domain} from {@link #domain()}, or {@code quarkus.kafka-events.domain};</li>
 * <li>the scope is {@code internal} when {@link #internal()} is set, {@code public} otherwise;</li>
 * <li>{@code topic} is {@link #value()}, or the kebab-cased name of {@link #entity()}, pluralized unless
 * {@link #pluralize()} is {@code false};</li>
 * <li>{@code version} is appended when {@link #version()} is set.</li>
 * </ul>
 * The whole name can be replaced in configuration with {@code quarkus.kafka-events.events."<type>".topic}.
 *
 * <pre>
 * &#64;EventTopic(entity = Cashier.class, domain = "payments")
 * public record CashierCreated(&#64;PartitionKey String tenantId, String cashierId, String name) {
 * }
 * // published to dev.payments.public.cashiers in the dev profile
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventTopic {

    /**
     * The topic base name, for example {@code "invoice-events"}. Pluralized unless {@link #pluralize()} is
     * {@code false}. Exclusive with {@link #entity()}.
     */
    String value() default "";

    /**
     * The entity the events are about: its simple name, kebab-cased and pluralized, becomes the topic base name
     * ({@code OrderLine} gives {@code order-lines}). Exclusive with {@link #value()}.
     */
    Class<?> entity() default void.class;

    /**
     * The business domain; defaults to {@code quarkus.kafka-events.domain}.
     */
    String domain() default "";

    /**
     * A version suffix, for example {@code "v2"}.
     */
    String version() default "";

    /**
     * Whether the events are internal to the domain (scope {@code internal}) rather than public.
     */
    boolean internal() default false;

    /**
     * Whether the topic base name is pluralized ({@code cashier} becomes {@code cashiers}).
     */
    boolean pluralize() default true;

    /**
     * The CloudEvents {@code type} of the events; defaults to the simple name of the class. It must be unique among the
     * event types of an application: handlers are selected by it.
     */
    String type() default "";
}
