package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Header values that repeat from record to record (a CloudEvents type, a source), decoded once: a small table from a
 * value's bytes to its text. A lookup hashes and compares the bytes; a miss decodes them and takes the slot. The text
 * handed out is the same {@code String} each time, so its hash (the routing key) is computed once too, and a source
 * already found valid is recognised by identity. Thread-safe
 * without locks: entries are immutable, and a race at worst decodes a value twice. One per dispatcher.
 */
public final class HeaderTexts {

    private static final int SLOTS = 64;
    /** Longer values are decoded without being kept. */
    private static final int MAX_LENGTH = 256;

    private record Entry(byte[] bytes, String text) {
    }

    private final Entry[] entries = new Entry[SLOTS];
    /**
     * The last {@code ce_source} found to be a valid URI reference: the table hands out the same {@code String} for the
     * same bytes, so a record from the same source is recognised by identity and not checked again.
     */
    private volatile String checkedSource;

    boolean checkedSource(String source) {
        return source == checkedSource;
    }

    void sourceChecked(String source) {
        checkedSource = source;
    }

    String text(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        int hash = Arrays.hashCode(bytes);
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Entry entry = entries[slot];
        if (entry != null && Arrays.equals(entry.bytes, bytes)) {
            return entry.text;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        entries[slot] = new Entry(bytes, text);
        return text;
    }
}
