package io.quarkiverse.kafkaevents.devbroker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One launch of a dev broker node: the child JVM started from the command line stored in the node's directory
 * ({@value DevBrokerCluster#LAUNCH_ARGS}), its readiness and the last lines of its output.
 * <p>
 * Used by the extension for the first start of every node and by {@link DevBrokerCluster.Node#start} for restarts,
 * so a restarted node runs exactly as it did before. The child's standard input is a pipe held by this JVM: the node
 * stops by itself when this JVM exits.
 */
public final class DevBrokerNodeProcess {

    private static final int OUTPUT_LINES_KEPT = 40;

    private final int nodeId;
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Deque<String> output = new ArrayDeque<>();

    private DevBrokerNodeProcess(int nodeId, Process process) {
        this.nodeId = nodeId;
        this.process = process;
    }

    /**
     * Starts the node whose directory is given with the command line stored there, and returns at once.
     *
     * @param nodeId the node id, used in thread names
     * @param nodeDir the node's directory
     * @param lineListener receives every line the process prints
     */
    public static DevBrokerNodeProcess launch(int nodeId, Path nodeDir, Consumer<String> lineListener) {
        List<String> command;
        try {
            command = Files.readAllLines(nodeDir.resolve(DevBrokerCluster.LAUNCH_ARGS), StandardCharsets.UTF_8)
                    .stream().filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the launch command of dev broker node " + nodeId + " in "
                    + nodeDir, e);
        }
        return launch(nodeId, nodeDir, command, lineListener);
    }

    /**
     * Starts the node whose directory is given with the given command, and returns at once.
     */
    public static DevBrokerNodeProcess launch(int nodeId, Path nodeDir, List<String> command,
            Consumer<String> lineListener) {
        Process process;
        try {
            Files.deleteIfExists(nodeDir.resolve(DevBrokerCluster.PID_FILE));
            process = new ProcessBuilder(command)
                    .directory(nodeDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start dev broker node " + nodeId + " with " + command.get(0), e);
        }
        DevBrokerNodeProcess launched = new DevBrokerNodeProcess(nodeId, process);
        Thread reader = new Thread(() -> launched.readOutput(lineListener),
                "kafka-events-dev-broker-" + nodeId + "-output");
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(() -> launched.ready.completeExceptionally(
                new IllegalStateException("the broker process exited with code " + process.exitValue())));
        return launched;
    }

    private void readOutput(Consumer<String> lineListener) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(DevBrokerMain.READY_MARKER)) {
                    ready.complete(line.substring(DevBrokerMain.READY_MARKER.length()).trim()
                            .replaceAll("^[A-Za-z_]+://", ""));
                } else if (line.startsWith(DevBrokerMain.FAILED_MARKER)) {
                    ready.completeExceptionally(
                            new IllegalStateException(line.substring(DevBrokerMain.FAILED_MARKER.length()).trim()));
                }
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.removeFirst();
                    }
                }
                lineListener.accept(line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    public int nodeId() {
        return nodeId;
    }

    public Process process() {
        return process;
    }

    /**
     * Completes with the node's bootstrap address ({@code 127.0.0.1:port}) once it accepts connections; completes
     * exceptionally when it reports a failure or exits first.
     */
    public CompletableFuture<String> ready() {
        return ready;
    }

    /** The last lines the process printed. */
    public List<String> outputTail() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }
}
