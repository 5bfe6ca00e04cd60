package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The rules of the compatibility gate, one row of the contracts page's table each: a field of the baseline
 * ({@code {"type": "integer", "minimum": 1}}, required, in a closed object) changed one way, judged for a publisher
 * and for a handler-only service. Plain schemas, no application.
 */
class SchemaDiffTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The baseline: {@code id} (a required string) and {@code count}, as {@code field} below describes it. */
    private static JsonNode schema(String field, boolean required) throws Exception {
        return MAPPER.readTree("""
                { "type": "object",
                  "properties": { "id": { "type": "string" } %s },
                  "required": [ "id" %s ],
                  "additionalProperties": false }
                """.formatted(field.isEmpty() ? "" : ", \"count\": " + field, required ? ", \"count\"" : ""));
    }

    @ParameterizedTest(name = "{0}: publisher {5}, handler {6}")
    @CsvSource(delimiter = '|', textBlock = """
            unchanged                 | {"type": "integer"}                         | true  | {"type": "integer"}                            | true  | compatible                     | compatible
            optional field added      |                                             | false | {"type": ["integer", "null"]}                  | false | compatible                     | compatible
            required field added      |                                             | false | {"type": "integer"}                            | true  | compatible                     | field added as required
            field removed             | {"type": "integer"}                         | true  |                                                | false | field removed                  | compatible
            type changed              | {"type": "integer"}                         | true  | {"type": "string"}                             | true  | type changed                   | type changed
            type widened              | {"type": "integer"}                         | true  | {"type": "number"}                             | true  | type changed                   | compatible
            type narrowed             | {"type": "number"}                          | true  | {"type": "integer"}                            | true  | compatible                     | type changed
            may be null now           | {"type": "integer"}                         | true  | {"type": ["integer", "null"]}                  | false | no longer required             | compatible
            null no longer allowed    | {"type": ["integer", "null"]}               | false | {"type": "integer"}                            | true  | compatible                     | newly required
            enum value added          | {"type": "string", "enum": ["A"]}           | true  | {"type": "string", "enum": ["A", "B"]}         | true  | enum values added              | compatible
            enum value removed        | {"type": "string", "enum": ["A", "B"]}      | true  | {"type": "string", "enum": ["A"]}              | true  | compatible                     | enum values removed
            nullable enum narrowed    | {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["A", "B"]}]} | false | {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["A"]}]} | false | compatible | enum values removed
            minimum raised            | {"type": "integer", "minimum": 1}           | true  | {"type": "integer", "minimum": 2}              | true  | compatible                     | minimum changed
            minimum lowered           | {"type": "integer", "minimum": 2}           | true  | {"type": "integer", "minimum": 1}              | true  | minimum changed                | compatible
            maxLength removed         | {"type": "string", "maxLength": 5}          | true  | {"type": "string"}                             | true  | maxLength changed              | compatible
            pattern added             | {"type": "string"}                          | true  | {"type": "string", "pattern": "^a"}            | true  | compatible                     | pattern changed
            pattern changed           | {"type": "string", "pattern": "^b"}         | true  | {"type": "string", "pattern": "^a"}            | true  | pattern changed                | pattern changed
            nested field added        | {"type": "object", "properties": {}, "additionalProperties": false} | true | {"type": "object", "properties": {"x": {"type": ["string", "null"]}}, "additionalProperties": false} | true | compatible | compatible
            item type changed         | {"type": "array", "items": {"type": "integer"}} | true | {"type": "array", "items": {"type": "string"}} | true  | type changed                   | type changed
            map value type changed    | {"type": "object", "additionalProperties": {"type": "integer"}} | true | {"type": "object", "additionalProperties": {"type": "string"}} | true | type changed | type changed
            """)
    void judgesEachChangeByRole(String change, String was, boolean wasRequired, String now, boolean nowRequired,
            String publisher, String handler) throws Exception {
        JsonNode baseline = schema(was == null ? "" : was, wasRequired);
        JsonNode current = schema(now == null ? "" : now, nowRequired);
        assertEquals(publisher, verdict(SchemaDiff.breakingChanges(baseline, current, Direction.WRITER)),
                change + " for a publisher");
        assertEquals(handler, verdict(SchemaDiff.breakingChanges(baseline, current, Direction.READER)),
                change + " for a handler");
    }

    /** "compatible", or the kind of the first change ("field added" from "$.count: field added (...); ..."). */
    private static String verdict(List<String> changes) {
        if (changes.isEmpty()) {
            return "compatible";
        }
        String first = changes.get(0);
        String change = first.substring(first.indexOf(": ") + 2);
        for (String kind : List.of("field added as required", "field added", "field removed", "type changed",
                "no longer required", "newly required", "enum values added", "enum values removed", "minimum changed",
                "maxLength changed", "pattern changed")) {
            if (change.startsWith(kind)) {
                return kind;
            }
        }
        return change;
    }
}
