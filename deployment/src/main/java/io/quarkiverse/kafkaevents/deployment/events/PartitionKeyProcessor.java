package io.quarkiverse.kafkaevents.deployment.events;

import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.jandex.PrimitiveType;
import org.jboss.jandex.Type;

import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventTypeInfo;
import io.quarkiverse.kafkaevents.runtime.internal.publish.PartitionKeyExtractor;
import io.quarkus.arc.deployment.GeneratedBeanBuildItem;
import io.quarkus.arc.deployment.GeneratedBeanGizmoAdaptor;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.gizmo.BranchResult;
import io.quarkus.gizmo.BytecodeCreator;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.gizmo.DescriptorUtils;
import io.quarkus.gizmo.FieldDescriptor;
import io.quarkus.gizmo.MethodCreator;
import io.quarkus.gizmo.MethodDescriptor;
import io.quarkus.gizmo.ResultHandle;

/**
 * Generates one {@link PartitionKeyExtractor} bean per event type with {@code @PartitionKey} members: plain bytecode
 * reading the members, no reflection.
 */
public class PartitionKeyProcessor {

    @BuildStep
    void generateExtractors(List<EventTypeBuildItem> eventTypes, BuildProducer<GeneratedBeanBuildItem> beans) {
        GeneratedBeanGizmoAdaptor output = new GeneratedBeanGizmoAdaptor(beans);
        for (EventTypeBuildItem eventType : eventTypes) {
            if (eventType.keyStyle() == EventTypeInfo.KeyStyle.MEMBERS) {
                generate(output, eventType);
            }
        }
    }

    private static void generate(GeneratedBeanGizmoAdaptor output, EventTypeBuildItem eventType) {
        String eventClass = eventType.className();
        try (ClassCreator creator = ClassCreator.builder()
                .classOutput(output)
                .className(eventType.extractorClassName())
                .interfaces(PartitionKeyExtractor.class)
                .build()) {
            creator.addAnnotation(Singleton.class);

            MethodCreator name = creator.getMethodCreator("eventClass", String.class);
            name.returnValue(name.load(eventClass));

            MethodCreator extract = creator.getMethodCreator("extract", String.class, Object.class);
            ResultHandle event = extract.checkCast(extract.getMethodParam(0), eventClass);
            List<EventTypeBuildItem.KeyMember> members = eventType.keyMembers();
            if (members.size() == 1) {
                extract.returnValue(memberAsString(extract, event, eventClass, members.get(0)));
            } else {
                ResultHandle builder = extract.newInstance(MethodDescriptor.ofConstructor(StringBuilder.class));
                MethodDescriptor append = MethodDescriptor.ofMethod(StringBuilder.class, "append", StringBuilder.class,
                        String.class);
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        extract.invokeVirtualMethod(append, builder, extract.load(PartitionKey.SEPARATOR));
                    }
                    extract.invokeVirtualMethod(append, builder,
                            memberAsString(extract, event, eventClass, members.get(i)));
                }
                extract.returnValue(extract.invokeVirtualMethod(
                        MethodDescriptor.ofMethod(StringBuilder.class, "toString", String.class), builder));
            }
        }
    }

    /**
     * Reads the member and converts it to a string; a {@code null} reference fails with a message naming the member.
     */
    private static ResultHandle memberAsString(BytecodeCreator code, ResultHandle event, String eventClass,
            EventTypeBuildItem.KeyMember member) {
        Type type = member.type();
        String descriptor = DescriptorUtils.typeToString(type);
        ResultHandle value = member.field()
                ? code.readInstanceField(FieldDescriptor.of(eventClass, member.memberName(), descriptor), event)
                : code.invokeVirtualMethod(MethodDescriptor.ofMethod(eventClass, member.memberName(), descriptor), event);
        if (type.kind() == Type.Kind.PRIMITIVE) {
            return code.invokeStaticMethod(MethodDescriptor.ofMethod(String.class, "valueOf", String.class,
                    valueOfParameter(type.asPrimitiveType())), value);
        }
        BranchResult isNull = code.ifNull(value);
        isNull.trueBranch().throwException(IllegalArgumentException.class, "Partition key " + member.label() + " of "
                + eventClass + " is null: every @PartitionKey member needs a value");
        return code.invokeStaticMethod(MethodDescriptor.ofMethod(String.class, "valueOf", String.class, Object.class),
                value);
    }

    private static Class<?> valueOfParameter(PrimitiveType primitive) {
        switch (primitive.primitive()) {
            case BOOLEAN:
                return boolean.class;
            case CHAR:
                return char.class;
            case LONG:
                return long.class;
            case FLOAT:
                return float.class;
            case DOUBLE:
                return double.class;
            default:
                // byte, short and int widen to int
                return int.class;
        }
    }
}
