package io.quarkiverse.kafkaevents.runtime.dev;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.runtime.internal.contracts.SchemaResources;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;

/**
 * The Dev UI's back end for the event catalog (a JSON-RPC provider in dev mode only): per event type its version, the
 * JSON Schema the build generated (class-path resource {@code META-INF/kafka-events/schemas/}) and the verdict of the
 * compatibility check against the committed baseline ({@code META-INF/kafka-events/compatibility.json}, when the
 * build wrote one).
 */
public class CatalogJsonRpcService {

    /** Where the build puts the compatibility verdicts, when it compared the schemas with a baseline. */
    static final String COMPATIBILITY = "META-INF/kafka-events/compatibility.json";

    private final EventRouting routing;
    private final ObjectMapper json = new ObjectMapper();

    CatalogJsonRpcService(EventRouting routing) {
        this.routing = routing;
    }

    /**
     * {@code baseline}: whether the build wrote compatibility verdicts; {@code types}: one entry per event type, sorted
     * by type then class, with {@code type}, {@code className}, {@code version}, {@code topic}, {@code format},
     * {@code schema} (the schema's JSON text, {@code null} when the build wrote none) and {@code compatibility}
     * ({@code version}, {@code verdict}: {@code compatible}, {@code breaking}, {@code accepted} or {@code new}, and
     * {@code messages}; {@code null} without a verdict for the type).
     */
    public Map<String, Object> getCatalog() {
        JsonNode verdicts;
        try {
            verdicts = readJson(COMPATIBILITY);
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + COMPATIBILITY + ": " + e.getMessage(), e);
        }
        List<EventRouting.Route> routes = new ArrayList<>(routing.routes());
        routes.sort(Comparator.comparing((EventRouting.Route r) -> r.info().getType())
                .thenComparing(r -> r.info().getClassName()));
        List<Map<String, Object>> types = new ArrayList<>(routes.size());
        for (EventRouting.Route route : routes) {
            String type = route.info().getType();
            String version = route.info().getVersion();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("type", type);
            row.put("className", route.info().getClassName());
            row.put("version", version == null || version.isEmpty() ? null : version);
            row.put("topic", route.topic());
            row.put("format", route.format().name().toLowerCase(Locale.ROOT));
            row.put("schema", schema(type, version));
            JsonNode verdict = verdicts == null ? null : verdicts.get(type);
            row.put("compatibility", verdict == null ? null : json.convertValue(verdict, Map.class));
            types.add(row);
        }
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("baseline", verdicts != null);
        catalog.put("types", types);
        return catalog;
    }

    private static String schema(String type, String version) {
        String resource = SchemaResources.resource(type, version);
        try {
            return readText(resource);
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + resource + ": " + e.getMessage(), e);
        }
    }

    private JsonNode readJson(String resource) throws IOException {
        String text = readText(resource);
        return text == null ? null : json.readTree(text);
    }

    private static String readText(String resource) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
