package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.time.Instant;

/**
 * One outbox row as shown to a person (the Dev UI): what it is, where it goes, and why it is still there.
 *
 * @param id the CloudEvents id of the event
 * @param type the CloudEvents type, {@code null} for a record in the plain format
 * @param topic the topic it is sent to
 * @param key the record key, or {@code null}
 * @param created when the row was written
 * @param attempts how often it was claimed for sending
 * @param nextAttempt when the relay may try it next
 * @param lastError why the last try failed, or {@code null}
 * @param status {@code PENDING} or {@code FAILED}
 * @param sending whether an instance holds it under a lease right now
 */
public record OutboxEntry(String id, String type, String topic, String key, Instant created, int attempts,
        Instant nextAttempt, String lastError, String status, boolean sending) {
}
