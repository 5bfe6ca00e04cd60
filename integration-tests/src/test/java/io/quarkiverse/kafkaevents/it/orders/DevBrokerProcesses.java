package io.quarkiverse.kafkaevents.it.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/**
 * The dev broker processes this test JVM started, and a check that all test classes share one.
 */
final class DevBrokerProcesses {

    /** The marker the extension puts first on the broker's command line. */
    static final String MARKER = "-Dquarkus.kafka-events.dev-broker=true";
    private static final String FIRST_SEEN = "kafka-events.test.dev-broker";

    private DevBrokerProcesses() {
    }

    static List<ProcessHandle> children() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains(MARKER)).orElse(false))
                .toList();
    }

    /**
     * Asserts that exactly one broker runs and that it is the one earlier test classes saw. Test classes of one JVM
     * share nothing but system properties, so the first one to run records the broker there.
     */
    static void assertSameBrokerAsOtherTestClasses(String bootstrapServers) {
        List<ProcessHandle> brokers = children();
        assertEquals(1, brokers.size(), "dev broker processes started by this JVM: " + brokers);
        String seen = brokers.get(0).pid() + "@" + bootstrapServers;
        String first = System.getProperty(FIRST_SEEN);
        if (first == null) {
            System.setProperty(FIRST_SEEN, seen);
        } else {
            assertEquals(first, seen, "this test class got another dev broker than an earlier one");
        }
    }
}
