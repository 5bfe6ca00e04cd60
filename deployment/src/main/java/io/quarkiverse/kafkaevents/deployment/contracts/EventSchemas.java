package io.quarkiverse.kafkaevents.deployment.contracts;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.MethodScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;

/**
 * Derives the JSON Schema (2020-12) of an event class from what Jackson writes for it: its properties as Jackson
 * names them ({@code @JsonProperty}, {@code @JsonIgnore}), nested types in place (under {@code $defs} when used more
 * than once), collections as arrays, maps
 * as objects whose values share one schema, enums as their values, {@code java.time} types as strings with a format,
 * {@code Optional} as its content, and Bean Validation constraints as keywords.
 * <p>
 * The content model is closed: an object allows no property its class does not declare
 * ({@code additionalProperties: false}), so that adding a property is a visible change of the contract. References
 * may be {@code null} (Jackson writes {@code null} for them) unless a constraint such as {@code @NotNull} says
 * otherwise, which also makes the property required; primitives are required.
 */
public final class EventSchemas {

    private final SchemaGenerator generator;

    public EventSchemas() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
                        JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE, JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
                .with(new JakartaValidationModule(JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED,
                        JakartaValidationOption.NOT_NULLABLE_METHOD_IS_REQUIRED,
                        JakartaValidationOption.INCLUDE_PATTERN_EXPRESSIONS))
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES,
                        Option.NULLABLE_FIELDS_BY_DEFAULT, Option.STANDARD_FORMATS,
                        Option.FLATTENED_OPTIONALS, Option.ADDITIONAL_FIXED_TYPES,
                        // Jackson writes a getter without a field too (isLarge() as "large")
                        Option.NONSTATIC_NONVOID_NONGETTER_METHODS, Option.FIELDS_DERIVED_FROM_ARGUMENTFREE_METHODS);
        // Jackson always writes a primitive: readers may rely on it
        config.forFields().withRequiredCheck(field -> field.getType() != null && field.getType().isPrimitive());
        // of the methods, only those Jackson writes without a field: bean getters (isLarge() as "large") and
        // @JsonProperty ones; record accessors and getters of fields are covered by their fields
        config.forMethods().withIgnoreCheck(method -> !writtenByJackson(method))
                .withRequiredCheck(method -> method.getType() != null && method.getType().isPrimitive());
        this.generator = new SchemaGenerator(config.build());
    }

    private static boolean writtenByJackson(MethodScope method) {
        if (method.getAnnotation(JsonProperty.class) != null) {
            return true;
        }
        Method raw = method.getRawMember();
        if (raw.getParameterCount() != 0 || !Modifier.isPublic(raw.getModifiers())
                || raw.getDeclaringClass() == Object.class || raw.getDeclaringClass() == Record.class) {
            return false;
        }
        String name = raw.getName();
        return name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3))
                || name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2))
                        && (raw.getReturnType() == boolean.class || raw.getReturnType() == Boolean.class);
    }

    /**
     * The schema of {@code eventClass}, with its CloudEvents {@code type} as title.
     */
    public ObjectNode schema(Class<?> eventClass, String type) {
        ObjectNode schema = generator.generateSchema(eventClass);
        ObjectNode titled = schema.objectNode();
        titled.set("$schema", schema.remove("$schema"));
        titled.put("title", type);
        titled.setAll(schema);
        return titled;
    }
}
