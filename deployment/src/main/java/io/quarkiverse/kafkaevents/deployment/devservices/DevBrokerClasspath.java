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
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyResult;
import org.jboss.logging.Logger;

import io.quarkus.bootstrap.resolver.maven.BootstrapMavenException;
import io.quarkus.bootstrap.resolver.maven.MavenArtifactResolver;

/**
 * The class path of the dev broker JVM: the launcher jar plus {@code org.apache.kafka:kafka_2.13} and its runtime
 * dependencies, resolved with Maven (downloaded into the local repository on first use) and an SLF4J binding so the
 * broker writes a log.
 * <p>
 * The resolved list is cached in a small file next to the launcher jar, so later starts skip the resolution.
 */
final class DevBrokerClasspath {

    private static final Logger LOG = Logger.getLogger(DevBrokerClasspath.class);

    static final String MAIN_CLASS = "io.quarkiverse.kafkaevents.devbroker.DevBrokerMain";

    private DevBrokerClasspath() {
    }

    /**
     * The class path entries, launcher jar first.
     */
    static List<Path> resolve(Path cacheDir, String kafkaVersion) {
        try {
            Files.createDirectories(cacheDir);
            Path launcher = LauncherJar.write(cacheDir, MAIN_CLASS, DevBrokerClasspath.class.getClassLoader(),
                    "dev broker", "quarkus-kafka-events-dev-broker", "dev-broker-launcher.jar");
            List<Path> entries = new ArrayList<>();
            entries.add(launcher);
            entries.addAll(brokerJars(cacheDir, kafkaVersion));
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the dev broker class path in " + cacheDir, e);
        }
    }

    private static List<Path> brokerJars(Path cacheDir, String kafkaVersion) throws IOException {
        Path cached = cacheDir.resolve("classpath-kafka-" + kafkaVersion + ".txt");
        if (Files.exists(cached)) {
            List<Path> jars = new ArrayList<>();
            for (String line : Files.readAllLines(cached, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    jars.add(Path.of(line));
                }
            }
            if (!jars.isEmpty() && jars.stream().allMatch(Files::isRegularFile)) {
                return jars;
            }
        }
        List<Path> jars = resolveWithMaven(kafkaVersion);
        StringBuilder content = new StringBuilder();
        for (Path jar : jars) {
            content.append(jar).append('\n');
        }
        LauncherJar.writeAtomically(cached, content.toString().getBytes(StandardCharsets.UTF_8));
        return jars;
    }

    private static List<Path> resolveWithMaven(String kafkaVersion) {
        long start = System.nanoTime();
        try {
            MavenArtifactResolver resolver = MavenArtifactResolver.builder().setWorkspaceDiscovery(false).build();
            DependencyResult broker = resolver.resolveDependencies(
                    new DefaultArtifact("org.apache.kafka", "kafka_2.13", "jar", kafkaVersion), List.of());
            List<Path> jars = new ArrayList<>();
            String slf4jVersion = null;
            for (ArtifactResult result : broker.getArtifactResults()) {
                Artifact artifact = result.getArtifact();
                jars.add(artifact.getFile().toPath());
                if ("org.slf4j".equals(artifact.getGroupId()) && "slf4j-api".equals(artifact.getArtifactId())) {
                    slf4jVersion = artifact.getVersion();
                }
            }
            if (slf4jVersion != null) {
                ArtifactResult binding = resolver.resolve(
                        new DefaultArtifact("org.slf4j", "slf4j-simple", "jar", slf4jVersion));
                jars.add(binding.getArtifact().getFile().toPath());
            }
            LOG.debugf("Resolved %s jars for the dev broker (Kafka %s) in %s ms", (Object) jars.size(), kafkaVersion,
                    (System.nanoTime() - start) / 1_000_000);
            return jars;
        } catch (BootstrapMavenException e) {
            throw new IllegalStateException("Could not resolve org.apache.kafka:kafka_2.13:" + kafkaVersion
                    + " for the dev broker from the Maven repositories. Check the network access to your Maven"
                    + " repository, or set kafka.bootstrap.servers to use a broker of your own. Cause: " + e.getMessage(),
                    e);
        }
    }

}
