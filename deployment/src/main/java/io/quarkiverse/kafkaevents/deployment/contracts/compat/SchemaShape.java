package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One node of a JSON Schema as the comparison sees it: {@code $ref}s into the document followed, and the
 * {@code anyOf: [{type: null}, X]} form of a nullable reference folded into X that also allows {@code null}.
 *
 * @param node the node holding the keywords (X for a folded {@code anyOf})
 * @param types the JSON types allowed, {@code null} included; {@code null} when any value is allowed
 * @param opaque whether the node combines schemas in a way not compared in detail (another {@code anyOf},
 *        {@code oneOf}, {@code allOf}, {@code not})
 */
record SchemaShape(JsonNode node, Set<String> types, boolean opaque) {

    private static final int MAX_REFS = 32;

    static SchemaShape of(JsonNode root, JsonNode node) {
        JsonNode resolved = resolve(root, node);
        JsonNode anyOf = resolved.get("anyOf");
        if (anyOf != null && anyOf.isArray() && !resolved.has("type")) {
            JsonNode other = null;
            boolean nullable = false;
            int others = 0;
            for (JsonNode branch : anyOf) {
                JsonNode b = resolve(root, branch);
                if (isNullOnly(b)) {
                    nullable = true;
                } else {
                    other = b;
                    others++;
                }
            }
            if (others == 1) {
                SchemaShape inner = of(root, other);
                Set<String> types = inner.types == null ? null : new TreeSet<>(inner.types);
                if (types != null && nullable) {
                    types.add("null");
                }
                return new SchemaShape(inner.node, types, inner.opaque);
            }
            return new SchemaShape(resolved, null, true);
        }
        boolean opaque = resolved.has("anyOf") || resolved.has("oneOf") || resolved.has("allOf") || resolved.has("not");
        return new SchemaShape(resolved, typesOf(resolved), opaque);
    }

    private static boolean isNullOnly(JsonNode node) {
        JsonNode type = node.get("type");
        return type != null && type.isTextual() && "null".equals(type.asText());
    }

    private static JsonNode resolve(JsonNode root, JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < MAX_REFS && current.has("$ref"); i++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#")) {
                return current;
            }
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                return current;
            }
            current = target;
        }
        return current;
    }

    private static Set<String> typesOf(JsonNode node) {
        JsonNode type = node.get("type");
        if (type == null) {
            return null;
        }
        Set<String> types = new TreeSet<>();
        if (type.isArray()) {
            for (Iterator<JsonNode> it = type.elements(); it.hasNext();) {
                types.add(it.next().asText());
            }
        } else {
            types.add(type.asText());
        }
        return types;
    }

    /** Whether the node allows objects (by its type, or by having properties without a type). */
    boolean object() {
        return types == null ? node.has("properties") : types.contains("object");
    }

    boolean array() {
        return types == null ? node.has("items") : types.contains("array");
    }
}
