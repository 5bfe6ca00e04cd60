package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

/**
 * The command line of a dev broker node's JVM: Java launcher, memory and start-up flags, class data sharing, class
 * path and the node's {@code server.properties}.
 */
final class DevBrokerCommand {

    private final DevBrokerSettings settings;
    private final Path cacheDir;
    private final String java;
    private final List<Path> classpath;

    DevBrokerCommand(DevBrokerSettings settings, Path cacheDir) {
        this.settings = settings;
        this.cacheDir = cacheDir;
        this.java = javaBinary(settings);
        this.classpath = DevBrokerClasspath.resolve(cacheDir, settings.kafkaVersion());
    }

    /**
     * The command starting one node.
     *
     * @param recordArchive whether this JVM may write the class data sharing archive when it exits (one node at most:
     *        several JVMs writing one file would damage it)
     */
    List<String> forNode(Path nodeDir, boolean recordArchive) {
        List<String> command = new ArrayList<>();
        command.add(java);
        // first, so that tools reading a truncated command line still recognise the process
        command.add(DevBrokerCluster.PROCESS_MARKER);
        command.add("-Xmx" + settings.heap());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xss512k");
        command.add("-Djava.awt.headless=true");
        command.add("-Dorg.slf4j.simpleLogger.logFile=" + nodeDir.resolve(DevBrokerCluster.LOG_FILE));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + settings.logLevel().toLowerCase());
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        addClassDataSharing(command, recordArchive);
        command.addAll(settings.jvmOptions());
        command.add("-cp");
        command.add(joinClasspath(classpath));
        command.add(DevBrokerClasspath.MAIN_CLASS);
        command.add(nodeDir.resolve(DevBrokerCluster.SERVER_PROPERTIES).toString());
        return command;
    }

    /**
     * AppCDS: the first start records the loaded classes into an archive when the broker exits; later starts map
     * it, which cuts start-up time by about a third (and the nodes of a cluster share its pages). The archive is tied
     * to the JDK and the class path, both part of its name.
     */
    private void addClassDataSharing(List<String> command, boolean recordArchive) {
        if (!settings.classDataSharing()) {
            return;
        }
        String key = Integer.toHexString((java + System.getProperty("java.vm.version") + classpath
                + settings.jvmOptions() + settings.heap()).hashCode());
        Path archive = cacheDir.resolve("dev-broker-" + key + ".jsa");
        // an unusable archive (other JDK, damaged file) is ignored by the JVM; the logs keep quiet about it
        if (Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        } else if (recordArchive) {
            command.add("-XX:ArchiveClassesAtExit=" + archive);
        } else {
            return;
        }
        command.add("-Xlog:cds=off");
        command.add("-Xlog:cds+dynamic=off");
    }

    /**
     * The same command without recording a class data sharing archive: what a restarted node runs with.
     */
    static List<String> withoutArchiveRecording(List<String> command) {
        return command.stream().filter(arg -> !arg.startsWith("-XX:ArchiveClassesAtExit=")).toList();
    }

    private static String javaBinary(DevBrokerSettings settings) {
        if (settings.javaBinary() != null) {
            Path configured = Path.of(settings.javaBinary());
            if (configured.getNameCount() > 1 && !Files.isExecutable(configured)) {
                throw new IllegalStateException("The Java binary " + configured
                        + " (quarkus.kafka-events.devservices.java-binary) does not exist or is not executable;"
                        + " the dev broker needs a Java 17+ launcher.");
            }
            return settings.javaBinary();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase().contains("win") ? "java.exe" : "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("No Java binary found at " + java + " to run the dev broker. Set"
                    + " quarkus.kafka-events.devservices.java-binary to the path of a Java 17+ launcher.");
        }
        return java.toString();
    }

    private static String joinClasspath(List<Path> entries) {
        StringBuilder sb = new StringBuilder();
        for (Path entry : entries) {
            if (sb.length() > 0) {
                sb.append(File.pathSeparatorChar);
            }
            sb.append(entry);
        }
        return sb.toString();
    }
}
