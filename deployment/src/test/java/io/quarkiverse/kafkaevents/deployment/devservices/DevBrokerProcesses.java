package io.quarkiverse.kafkaevents.deployment.devservices;

import java.util.List;

/**
 * Finds dev broker processes started by this JVM.
 */
final class DevBrokerProcesses {

    private DevBrokerProcesses() {
    }

    static List<ProcessHandle> children() {
        return ProcessHandle.current().descendants()
                .filter(DevBrokerProcesses::isDevBroker)
                .toList();
    }

    static boolean isDevBroker(ProcessHandle handle) {
        return handle.info().commandLine().map(c -> c.contains(DevBroker.PROCESS_MARKER)).orElse(false);
    }
}
