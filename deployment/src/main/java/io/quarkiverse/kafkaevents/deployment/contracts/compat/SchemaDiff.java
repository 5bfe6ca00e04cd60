package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares two JSON Schemas of one event type and version, field by field, and lists the changes that break the
 * service's role: for a {@link Direction#WRITER} every value the current schema allows must be allowed by the
 * baseline, for a {@link Direction#READER} every value the baseline allows must be allowed by the current schema.
 * Each change is named by its JSON path ({@code $.lines[*].sku}), what changed and whom it breaks.
 * <p>
 * The comparison is structural, over what the generator writes: types and {@code null}, properties,
 * {@code required}, closed objects ({@code additionalProperties: false}) and maps, array items, enums, bounds,
 * patterns and formats. Other combinations ({@code oneOf}, ...) must be unchanged.
 */
final class SchemaDiff {

    private static final List<String> LOWER_BOUNDS = List.of("minimum", "exclusiveMinimum", "minLength", "minItems",
            "minProperties");
    private static final List<String> UPPER_BOUNDS = List.of("maximum", "exclusiveMaximum", "maxLength", "maxItems",
            "maxProperties");
    private static final List<String> EXACT = List.of("pattern", "format", "const");

    private final JsonNode baselineRoot;
    private final JsonNode currentRoot;
    private final Direction direction;
    private final Set<String> problems = new LinkedHashSet<>();

    private SchemaDiff(JsonNode baselineRoot, JsonNode currentRoot, Direction direction) {
        this.baselineRoot = baselineRoot;
        this.currentRoot = currentRoot;
        this.direction = direction;
    }

    /** The breaking changes from {@code baseline} to {@code current} for the role, in document order. */
    static List<String> breakingChanges(JsonNode baseline, JsonNode current, Direction direction) {
        SchemaDiff diff = new SchemaDiff(baseline, current, direction);
        diff.compare("$", baseline, current);
        return new ArrayList<>(diff.problems);
    }

    private void compare(String path, JsonNode baselineNode, JsonNode currentNode) {
        SchemaShape was = SchemaShape.of(baselineRoot, baselineNode);
        SchemaShape now = SchemaShape.of(currentRoot, currentNode);
        // the narrow side's values must all be valid for the wide side
        SchemaShape narrow = direction == Direction.WRITER ? now : was;
        SchemaShape wide = direction == Direction.WRITER ? was : now;
        if (narrow.opaque() || wide.opaque()) {
            if (!was.node().equals(now.node())) {
                report(path, "schema changed in a way not compared in detail (was " + was.node() + ", now "
                        + now.node() + ")");
            }
            return;
        }
        if (!types(path, was, now, narrow, wide)) {
            return;
        }
        enums(path, was, now, narrow, wide);
        bounds(path, was, now, narrow, wide);
        if (narrow.object() && wide.object()) {
            properties(path, was, now, narrow, wide);
        }
        if (narrow.array() && wide.array() && was.node().has("items") && now.node().has("items")) {
            compare(path + "[*]", was.node().get("items"), now.node().get("items"));
        }
    }

    /** Types and {@code null}; false when they no longer overlap (nothing below is worth comparing). */
    private boolean types(String path, SchemaShape was, SchemaShape now, SchemaShape narrow, SchemaShape wide) {
        if (wide.types() == null) {
            return true;
        }
        if (narrow.types() == null) {
            report(path, "type no longer limited (was " + was.types() + ", now any)");
            return true;
        }
        Set<String> extra = new TreeSet<>();
        for (String type : narrow.types()) {
            if (!wide.types().contains(type) && !("integer".equals(type) && wide.types().contains("number"))) {
                extra.add(type);
            }
        }
        if (extra.isEmpty()) {
            return true;
        }
        if (extra.equals(Set.of("null"))) {
            report(path, direction == Direction.WRITER ? "may now be null (it could not be before)"
                    : "no longer accepts null (it could be null before)");
            return true;
        }
        report(path, "type changed from " + describe(was.types()) + " to " + describe(now.types()));
        return false;
    }

    private void enums(String path, SchemaShape was, SchemaShape now, SchemaShape narrow, SchemaShape wide) {
        JsonNode wideEnum = wide.node().get("enum");
        if (wideEnum == null) {
            return;
        }
        JsonNode narrowEnum = narrow.node().get("enum");
        if (narrowEnum == null) {
            report(path, direction == Direction.WRITER ? "no longer limited to the values " + wideEnum
                    : "now limited to the values " + wideEnum);
            return;
        }
        Set<String> extra = new TreeSet<>();
        for (JsonNode value : narrowEnum) {
            if (!contains(wideEnum, value)) {
                extra.add(value.toString());
            }
        }
        if (!extra.isEmpty()) {
            report(path, direction == Direction.WRITER ? "enum values added: " + String.join(", ", extra)
                    : "enum values removed: " + String.join(", ", extra));
        }
    }

    private void bounds(String path, SchemaShape was, SchemaShape now, SchemaShape narrow, SchemaShape wide) {
        for (String keyword : LOWER_BOUNDS) {
            bound(path, keyword, was, now, narrow, wide, true);
        }
        for (String keyword : UPPER_BOUNDS) {
            bound(path, keyword, was, now, narrow, wide, false);
        }
        for (String keyword : EXACT) {
            JsonNode required = wide.node().get(keyword);
            if (required != null && !required.equals(narrow.node().get(keyword))) {
                report(path, keyword + " changed from " + text(was.node().get(keyword)) + " to "
                        + text(now.node().get(keyword)));
            }
        }
    }

    private void bound(String path, String keyword, SchemaShape was, SchemaShape now, SchemaShape narrow,
            SchemaShape wide, boolean lower) {
        JsonNode limit = wide.node().get(keyword);
        if (limit == null || !limit.isNumber()) {
            return;
        }
        JsonNode kept = narrow.node().get(keyword);
        boolean within = kept != null && kept.isNumber()
                && (lower ? kept.decimalValue().compareTo(limit.decimalValue()) >= 0
                        : kept.decimalValue().compareTo(limit.decimalValue()) <= 0);
        if (!within) {
            report(path, keyword + " changed from " + text(was.node().get(keyword)) + " to "
                    + text(now.node().get(keyword)));
        }
    }

    private void properties(String path, SchemaShape was, SchemaShape now, SchemaShape narrow, SchemaShape wide) {
        Map<String, JsonNode> wasProperties = properties(was.node());
        Map<String, JsonNode> nowProperties = properties(now.node());
        Set<String> wasRequired = required(was.node());
        Set<String> nowRequired = required(now.node());
        for (Map.Entry<String, JsonNode> property : wasProperties.entrySet()) {
            String name = property.getKey();
            String at = path + "." + name;
            JsonNode current = nowProperties.get(name);
            if (current != null) {
                if (direction == Direction.WRITER && wasRequired.contains(name) && !nowRequired.contains(name)) {
                    report(at, "no longer required (events may lack it, readers require it)");
                } else if (direction == Direction.READER && nowRequired.contains(name) && !wasRequired.contains(name)) {
                    report(at, "newly required (events published before may lack it)");
                }
                compare(at, property.getValue(), current);
            } else if (direction == Direction.WRITER) {
                report(at, "field removed (readers of the version still read it)");
            }
            // a reader that no longer names a field ignores it in events that still carry it: readers are tolerant
            // (Jackson skips unknown fields, and handler-side validation accepts fields the schema does not name)
        }
        for (Map.Entry<String, JsonNode> property : nowProperties.entrySet()) {
            String name = property.getKey();
            if (wasProperties.containsKey(name)) {
                continue;
            }
            String at = path + "." + name;
            // a field a publisher adds is ignored by the readers of the version (tolerant readers, see above)
            if (direction == Direction.READER && nowRequired.contains(name)) {
                report(at, "field added as required (events published before lack it)");
            }
        }
        JsonNode wasMap = was.node().get("additionalProperties");
        JsonNode nowMap = now.node().get("additionalProperties");
        if (wasMap != null && nowMap != null && wasMap.isObject() && nowMap.isObject()) {
            compare(path + ".*", wasMap, nowMap);
        } else if (!closed(narrow.node()) && closed(wide.node())) {
            report(path, direction == Direction.WRITER ? "now allows any further field (readers' schema is closed)"
                    : "now refuses fields the schema did not name");
        }
    }

    private static Map<String, JsonNode> properties(JsonNode node) {
        Map<String, JsonNode> properties = new java.util.TreeMap<>();
        JsonNode all = node.get("properties");
        if (all != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> property = it.next();
                properties.put(property.getKey(), property.getValue());
            }
        }
        return properties;
    }

    private static Set<String> required(JsonNode node) {
        Set<String> required = new TreeSet<>();
        JsonNode all = node.get("required");
        if (all != null) {
            for (JsonNode name : all) {
                required.add(name.asText());
            }
        }
        return required;
    }

    private static boolean closed(JsonNode node) {
        JsonNode additional = node.get("additionalProperties");
        return additional != null && additional.isBoolean() && !additional.asBoolean();
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode element : array) {
            if (element.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Set<String> types) {
        // "string or null": null last
        List<String> names = new ArrayList<>();
        for (String type : types) {
            if (!"null".equals(type)) {
                names.add(type);
            }
        }
        if (types.contains("null")) {
            names.add("null");
        }
        return String.join(" or ", names);
    }

    private static String text(JsonNode node) {
        return node == null ? "(none)" : node.toString();
    }

    private void report(String path, String change) {
        problems.add(path + ": " + change + "; " + direction.breaks());
    }
}
