package io.quarkiverse.kafkaevents.it.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The codestart as a new user meets it: {@code quarkus:create} with this extension generates a project, and that
 * project builds and passes its own test (which uses the test kit) against the extension installed in the local
 * Maven repository. The reactor installs the runtime (with its codestarts jar) and the test kit before this module,
 * so {@code ./mvnw clean install} tests what it just built; {@code verify} alone tests what was installed last.
 */
class CodestartIT {

    static final Path MVNW = Path.of("..", "mvnw").toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("kafka-events.version", "999-SNAPSHOT");

    @Test
    void aCreatedProjectBuildsAndPassesItsTest() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "codestart").toAbsolutePath());
        Path project = work.resolve("greetings");
        deleteRecursively(project);

        run(work, Path.of("target", "codestart-create.log"), List.of(
                "io.quarkus:quarkus-maven-plugin:3.34.1:create",
                "-DprojectGroupId=org.acme", "-DprojectArtifactId=greetings",
                "-Dextensions=io.quarkiverse.kafkaevents:quarkus-kafka-events:" + VERSION,
                "-DquarkusRegistryClient=false",
                "-DplatformGroupId=io.quarkus.platform", "-DplatformArtifactId=quarkus-bom",
                "-DplatformVersion=3.34.1"));

        for (String file : List.of("src/main/java/org/acme/GreetingSent.java",
                "src/main/java/org/acme/GreetingResource.java", "src/main/java/org/acme/GreetingLog.java",
                "src/test/java/org/acme/GreetingResourceTest.java")) {
            assertTrue(Files.isRegularFile(project.resolve(file)), file + " was not generated");
        }
        String pom = Files.readString(project.resolve("pom.xml"));
        assertTrue(pom.contains("<artifactId>quarkus-kafka-events-test</artifactId>"), "the test kit is not a "
                + "test dependency of the generated project:\n" + pom);

        // the generated project's own build and test: a real dev broker, the kit waiting for the handler
        Path log = Path.of("target", "codestart-verify.log");
        run(project, log, List.of("verify"));
        String output = Files.readString(log);
        assertTrue(output.contains("Tests run: 1, Failures: 0, Errors: 0"), "the generated test did not pass, see "
                + log.toAbsolutePath());
    }

    private static void run(Path dir, Path log, List<String> goals) throws IOException, InterruptedException {
        // not offline: on a fresh machine the platform BOM and plugin the generated project names
        // (io.quarkus.platform) may not be in the local repository yet
        List<String> command = new ArrayList<>(List.of(MVNW.toString(), "-B"));
        command.addAll(goals);
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toAbsolutePath().toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took over 5 minutes, see " + log.toAbsolutePath());
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed in " + dir + ", see "
                + log.toAbsolutePath() + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
