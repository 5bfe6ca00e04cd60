package io.quarkiverse.kafkaevents.it.orders;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventTopic;

/**
 * No GraalVM or Mandrel can run here, so the sample's native build stops at its inputs: the build's
 * {@code native-sources} execution ({@code quarkus.native.sources-only=true}) writes {@code target/native-sources}
 * with {@code native-image.args} and the runner jar holding the reflection and resource registrations. This checks
 * those inputs against what the application needs: each event type (found in the compiled classes, not listed
 * here), each generated handler invoker, the schemas, the outbox and inbox DDL, and the CloudEvents format.
 */
class NativeSourcesIT {

    static final Path SOURCES = Path.of("target", "native-sources");
    static final ObjectMapper JSON = new ObjectMapper();

    static Path runnerJar;
    static Map<String, JsonNode> reflective;
    static List<String> resourcePatterns;

    @BeforeAll
    static void readRegistrations() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), SOURCES.toAbsolutePath() + " missing: the native-sources execution of "
                + "quarkus-maven-plugin did not run");
        try (Stream<Path> files = Files.list(SOURCES)) {
            runnerJar = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no runner jar in " + SOURCES));
        }
        reflective = new HashMap<>();
        for (JsonNode entry : readJson("META-INF/native-image/reflect-config.json")) {
            reflective.put(entry.get("name").asText(), entry);
        }
        resourcePatterns = new ArrayList<>();
        for (JsonNode pattern : readJson("META-INF/native-image/resource-config.json").path("resources")
                .path("includes")) {
            resourcePatterns.add(pattern.get("pattern").asText());
        }
    }

    @Test
    void theArgumentsBuildAStandaloneExecutable() throws IOException {
        String args = Files.readString(SOURCES.resolve("native-image.args"));
        assertTrue(args.contains("--no-fallback"), args);
        assertTrue(args.contains("io.quarkus.runner.Feature"), args);
    }

    @Test
    void everyEventTypeIsRegisteredForJackson() throws IOException {
        Set<String> eventTypes = eventTypesOfTheSample();
        assertFalse(eventTypes.isEmpty(), "no @EventTopic class found in target/classes");
        for (String type : eventTypes) {
            JsonNode entry = reflective.get(type);
            assertTrue(entry != null, type + " is not registered for reflection");
            for (String access : List.of("allDeclaredConstructors", "allDeclaredMethods", "allDeclaredFields")) {
                assertTrue(entry.path(access).asBoolean(), type + " lacks " + access + ": " + entry);
            }
            String simpleName = type.substring(type.lastIndexOf('.') + 1);
            assertResource("META-INF/kafka-events/schemas/" + simpleName + ".json");
        }
    }

    @Test
    void everyGeneratedHandlerInvokerIsRegistered() throws IOException {
        List<String> invokers = new ArrayList<>();
        try (ZipFile jar = new ZipFile(runnerJar.toFile())) {
            jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("io/quarkiverse/kafkaevents/generated/") && n.endsWith(".class")
                            && n.contains("Invoker"))
                    .forEach(n -> invokers.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }
        assertFalse(invokers.isEmpty(), "no generated handler invoker in " + runnerJar);
        for (String invoker : invokers) {
            assertTrue(reflective.containsKey(invoker), invoker + " is not registered for reflection");
        }
    }

    @Test
    void theOutboxAndInboxDdlAreResourcesOfTheImage() throws IOException {
        // the outbox and inbox create their tables from these (schema=create): a native image without them fails
        // at start-up, as one built outside the project once did
        for (String ddl : List.of("META-INF/kafka-events/outbox-postgresql.sql",
                "META-INF/kafka-events/inbox-postgresql.sql")) {
            assertResource(ddl);
            assertTrue(inSomeJar(ddl), ddl + " is registered but in no jar of " + SOURCES);
        }
    }

    @Test
    void theServedAsyncApiDocumentIsAResourceOfTheImage() {
        // the sample serves it in prod (quarkus.kafka-events.asyncapi.enabled), from the class path
        assertResource("META-INF/kafka-events/asyncapi.json");
    }

    @Test
    void theCloudEventsJsonFormatIsFoundByItsServiceLoader() {
        assertResource("META-INF/services/io.cloudevents.core.format.EventFormat");
        assertTrue(reflective.containsKey("io.cloudevents.jackson.JsonFormat"),
                "io.cloudevents.jackson.JsonFormat is not registered for reflection");
    }

    private static void assertResource(String resource) {
        String pattern = "\\Q" + resource + "\\E";
        assertTrue(resourcePatterns.contains(pattern) || resourcePatterns.stream().anyMatch(resource::matches),
                resource + " is not a registered resource: " + resourcePatterns);
    }

    private static Set<String> eventTypesOfTheSample() throws IOException {
        Indexer indexer = new Indexer();
        try (Stream<Path> classes = Files.walk(Path.of("target", "classes"))) {
            for (Path file : classes.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    indexer.index(in);
                }
            }
        }
        Index index = indexer.complete();
        Set<String> types = new HashSet<>();
        index.getAnnotations(DotName.createSimple(EventTopic.class)).forEach(a -> types.add(
                a.target().asClass().name().toString()));
        return types;
    }

    private static boolean inSomeJar(String resource) throws IOException {
        List<Path> jars = new ArrayList<>(List.of(runnerJar));
        try (Stream<Path> lib = Files.list(SOURCES.resolve("lib"))) {
            lib.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                if (zip.getEntry(resource) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode readJson(String entry) throws IOException {
        try (ZipFile jar = new ZipFile(runnerJar.toFile())) {
            ZipEntry found = jar.getEntry(entry);
            assertTrue(found != null, entry + " missing from " + runnerJar);
            try (InputStream in = jar.getInputStream(found)) {
                return JSON.readTree(in);
            }
        }
    }
}
