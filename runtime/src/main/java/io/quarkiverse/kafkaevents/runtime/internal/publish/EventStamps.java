package io.quarkiverse.kafkaevents.runtime.internal.publish;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CloudEvents ids and times, made cheaply: ids are random (version 4) UUIDs from the thread's random generator mixed
 * with a salt drawn once per application from a secure source (so two processes whose generators happen to be seeded
 * alike still differ), instead of {@link UUID#randomUUID()}'s locked secure generator; the time string is formatted
 * once per millisecond.
 */
public final class EventStamps {

    private final long salt = new SecureRandom().nextLong();
    private volatile Stamp last = new Stamp(-1, null);

    /** A new event id. */
    public String id() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() ^ salt) & ~0xF000L | 0x4000L; // version 4
        long least = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L; // IETF variant
        return new UUID(most, least).toString();
    }

    /** The current time as an RFC 3339 string (UTC, millisecond precision). */
    public String time() {
        long now = System.currentTimeMillis();
        Stamp stamp = last;
        if (stamp.millis != now) {
            stamp = new Stamp(now, Instant.ofEpochMilli(now).toString());
            last = stamp;
        }
        return stamp.text;
    }

    private record Stamp(long millis, String text) {
    }
}
