package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dev PostgreSQL tests check about the server of their JVM. */
final class DevPostgresServer {

    private DevPostgresServer() {
    }

    /**
     * The server registered for this JVM serves this application, and it is the one every test class of this JVM
     * got.
     */
    static void assertOneServerPerJvm(String url) {
        String running = System.getProperty("io.quarkiverse.kafkaevents.dev-postgres.running");
        assertTrue(running != null && running.contains("|" + url + "|"), running + " does not serve " + url);
        String pid = running.substring(0, running.indexOf('|'));
        String first = System.getProperty("kafka-events.test.dev-postgres-first-pid");
        if (first == null) {
            System.setProperty("kafka-events.test.dev-postgres-first-pid", pid);
        } else {
            assertEquals(first, pid, "a second dev PostgreSQL was started in this JVM");
        }
    }
}
