package io.quarkiverse.kafkaevents.deployment.security;

/**
 * The messages of a start-up failure and its causes, one per line.
 */
final class StartupFailures {

    private StartupFailures() {
    }

    static String messages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        return messages.toString();
    }
}
