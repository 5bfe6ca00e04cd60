package io.quarkiverse.kafkaevents.deployment.events;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.RecordComponentInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.kafkaevents.DistributedEvent;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicNames;

/**
 * Finds the {@code @EventTopic} types in a Jandex index and checks them. Pure logic on the index, so it is tested with
 * a hand-built index.
 */
public final class EventTypeScanner {

    static final DotName EVENT_TOPIC = DotName.createSimple(EventTopic.class.getName());
    static final DotName PARTITION_KEY = DotName.createSimple(PartitionKey.class.getName());
    static final DotName DISTRIBUTED_EVENT = DotName.createSimple(DistributedEvent.class.getName());
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9._-]+");

    /**
     * What the scan found: valid event types, sorted by class name, and every problem, each naming the class and
     * member at fault.
     */
    public record Result(List<EventTypeBuildItem> eventTypes, List<String> errors) {
    }

    private EventTypeScanner() {
    }

    public static Result scan(IndexView index) {
        List<EventTypeBuildItem> types = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ClassInfo> classes = new ArrayList<>();
        for (AnnotationInstance annotation : index.getAnnotations(EVENT_TOPIC)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                classes.add(annotation.target().asClass());
            }
        }
        classes.sort(Comparator.comparing(c -> c.name().toString()));
        Map<String, String> classByType = new HashMap<>();
        for (ClassInfo clazz : classes) {
            EventTypeBuildItem type = scanClass(index, clazz, errors);
            if (type == null) {
                continue;
            }
            String other = classByType.putIfAbsent(type.type(), type.className());
            if (other != null) {
                errors.add("Event types " + other + " and " + type.className() + " have the same CloudEvents type '"
                        + type.type() + "': set @EventTopic(type = \"...\") on one of them so consumers can tell them apart");
                continue;
            }
            types.add(type);
        }
        return new Result(types, errors);
    }

    private static EventTypeBuildItem scanClass(IndexView index, ClassInfo clazz, List<String> errors) {
        String className = clazz.name().toString();
        int before = errors.size();
        if (clazz.isInterface() || clazz.isAnnotation() || Modifier.isAbstract(clazz.flags())) {
            errors.add("@EventTopic on " + className + ": an event type must be a concrete class or record");
            return null;
        }
        AnnotationInstance eventTopic = clazz.declaredAnnotation(EVENT_TOPIC);
        String value = stringValue(eventTopic, "value");
        AnnotationValue entity = eventTopic.value("entity");
        boolean hasEntity = entity != null && !entity.asClass().name().toString().equals("void");
        boolean pluralize = eventTopic.value("pluralize") == null || eventTopic.value("pluralize").asBoolean();
        String base;
        if (!value.isEmpty() && hasEntity) {
            errors.add("@EventTopic on " + className + " sets both value and entity: choose one");
            return null;
        } else if (!value.isEmpty()) {
            base = value.toLowerCase(Locale.ROOT);
            checkSegment(className, "value", value, errors);
        } else if (hasEntity) {
            String entityName = entity.asClass().name().withoutPackagePrefix();
            base = TopicNaming.kebab(entityName.substring(entityName.lastIndexOf('$') + 1));
        } else {
            errors.add("@EventTopic on " + className + " names no topic: set value (a topic name such as \"orders\") or"
                    + " entity (a class whose name becomes the topic)");
            return null;
        }
        if (pluralize) {
            base = TopicNaming.pluralize(base);
        }
        String domain = stringValue(eventTopic, "domain").toLowerCase(Locale.ROOT);
        String version = stringValue(eventTopic, "version").toLowerCase(Locale.ROOT);
        if (!domain.isEmpty()) {
            checkSegment(className, "domain", stringValue(eventTopic, "domain"), errors);
        }
        if (!version.isEmpty()) {
            checkSegment(className, "version", stringValue(eventTopic, "version"), errors);
        }
        // environment and default domain are only known at run time; check what is known now with short stand-ins
        String known = TopicNames.name("e", domain.isEmpty() ? "d" : domain,
                eventTopic.value("internal") != null && eventTopic.value("internal").asBoolean(), base, version);
        if (known.length() > TopicNames.MAX_LENGTH) {
            errors.add("@EventTopic on " + className + " gives a topic name of at least " + known.length()
                    + " characters, more than Kafka's limit of " + TopicNames.MAX_LENGTH + ": shorten "
                    + (!value.isEmpty() ? "value" : "the entity name") + " (" + base.length() + " characters), domain ("
                    + domain.length() + ") or version (" + version.length() + ")");
        }
        String type = stringValue(eventTopic, "type");
        if (type.isEmpty()) {
            type = clazz.simpleName();
        }

        List<EventTypeBuildItem.KeyMember> members = keyMembers(clazz, errors);
        boolean distributed = index.getAllKnownImplementors(DISTRIBUTED_EVENT).stream()
                .anyMatch(c -> c.name().equals(clazz.name()));
        EventTypeInfo.KeyStyle keyStyle = EventTypeInfo.KeyStyle.NONE;
        if (distributed && !members.isEmpty()) {
            errors.add(className + " implements DistributedEvent and also has @PartitionKey on "
                    + labels(members) + ": use one way of choosing the key");
        } else if (distributed) {
            keyStyle = EventTypeInfo.KeyStyle.INTERFACE;
        } else if (!members.isEmpty()) {
            keyStyle = EventTypeInfo.KeyStyle.MEMBERS;
        }
        if (errors.size() > before) {
            return null;
        }
        return new EventTypeBuildItem(className, type, base, domain, version,
                eventTopic.value("internal") != null && eventTopic.value("internal").asBoolean(), keyStyle, members);
    }

    /**
     * Checks a segment as it goes into the topic name (lower-cased), and reports it as the user typed it: upper-case
     * letters are fine (they are lower-cased), anything else outside {@code [a-z0-9._-]} is not.
     */
    private static void checkSegment(String className, String attribute, String typed, List<String> errors) {
        if (!SEGMENT.matcher(typed.toLowerCase(Locale.ROOT)).matches()) {
            errors.add("@EventTopic on " + className + " has an invalid " + attribute + " \"" + typed
                    + "\": topic names take letters, digits, '.', '_' and '-' only (letters are lower-cased)");
        }
    }

    private static List<EventTypeBuildItem.KeyMember> keyMembers(ClassInfo clazz, List<String> errors) {
        String className = clazz.name().toString();
        List<EventTypeBuildItem.KeyMember> members = new ArrayList<>();
        if (clazz.isRecord()) {
            for (RecordComponentInfo component : clazz.recordComponents()) {
                AnnotationInstance key = component.annotation(PARTITION_KEY);
                if (key != null) {
                    members.add(new EventTypeBuildItem.KeyMember("record component " + component.name(), false,
                            component.name(), component.type(), order(key)));
                }
            }
        } else {
            for (AnnotationInstance key : clazz.annotations(PARTITION_KEY)) {
                AnnotationTarget target = key.target();
                switch (target.kind()) {
                    case FIELD -> {
                        EventTypeBuildItem.KeyMember member = fieldMember(clazz, target.asField(), order(key), errors);
                        if (member != null) {
                            members.add(member);
                        }
                    }
                    case METHOD -> {
                        MethodInfo method = target.asMethod();
                        if (method.parametersCount() != 0 || method.returnType().kind() == Type.Kind.VOID
                                || Modifier.isStatic(method.flags()) || Modifier.isPrivate(method.flags())) {
                            errors.add("@PartitionKey on " + className + "." + method.name() + "(): a key method must"
                                    + " be a non-private, non-static method with no parameters that returns the key");
                        } else {
                            members.add(new EventTypeBuildItem.KeyMember("method " + method.name() + "()", false,
                                    method.name(), method.returnType(), order(key)));
                        }
                    }
                    case METHOD_PARAMETER -> {
                        MethodInfo method = target.asMethodParameter().method();
                        String parameter = target.asMethodParameter().name();
                        errors.add("@PartitionKey on parameter "
                                + (parameter != null ? parameter : "#" + target.asMethodParameter().position())
                                + " of " + className + (method.name().equals("<init>") ? " constructor"
                                        : "." + method.name() + "()")
                                + ": put it on the field or its getter instead");
                    }
                    default -> {
                        // record components of non-records do not exist; other targets are rejected by the compiler
                    }
                }
            }
        }
        members.sort(Comparator.comparingInt(EventTypeBuildItem.KeyMember::order));
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i).order() == members.get(i - 1).order()) {
                errors.add(className + " has @PartitionKey(order = " + members.get(i).order() + ") on both "
                        + members.get(i - 1).label() + " and " + members.get(i).label()
                        + ": give each part of a composite key its own order");
            }
        }
        return members;
    }

    private static EventTypeBuildItem.KeyMember fieldMember(ClassInfo clazz, FieldInfo field, int order,
            List<String> errors) {
        String className = clazz.name().toString();
        if (Modifier.isStatic(field.flags())) {
            errors.add("@PartitionKey on static field " + className + "." + field.name()
                    + ": the key must come from the event instance");
            return null;
        }
        if (!Modifier.isPrivate(field.flags())) {
            return new EventTypeBuildItem.KeyMember("field " + field.name(), true, field.name(), field.type(), order);
        }
        String capitalized = Character.toUpperCase(field.name().charAt(0)) + field.name().substring(1);
        for (String getter : List.of("get" + capitalized, "is" + capitalized, field.name())) {
            MethodInfo method = clazz.method(getter);
            if (method != null && !Modifier.isPrivate(method.flags()) && !Modifier.isStatic(method.flags())
                    && method.returnType().kind() != Type.Kind.VOID) {
                return new EventTypeBuildItem.KeyMember("field " + field.name(), false, getter, method.returnType(),
                        order);
            }
        }
        errors.add("@PartitionKey on private field " + className + "." + field.name()
                + " cannot be read: make the field non-private or add a getter get" + capitalized + "()");
        return null;
    }

    private static int order(AnnotationInstance key) {
        AnnotationValue order = key.value("order");
        return order == null ? 0 : order.asInt();
    }

    private static String stringValue(AnnotationInstance annotation, String name) {
        AnnotationValue value = annotation.value(name);
        return value == null ? "" : value.asString().trim();
    }

    private static String labels(List<EventTypeBuildItem.KeyMember> members) {
        List<String> labels = new ArrayList<>();
        for (EventTypeBuildItem.KeyMember member : members) {
            labels.add(member.label());
        }
        return String.join(", ", labels);
    }
}
