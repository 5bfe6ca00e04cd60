package io.quarkiverse.kafkaevents.runtime.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeaderTextsTest {

    @Test
    void repeatedValuesAreDecodedOnceAndDistinctValuesStayDistinct() {
        HeaderTexts texts = new HeaderTexts();
        String first = texts.text(bytes("com.acme.OrderPlaced"));
        assertEquals("com.acme.OrderPlaced", first);
        assertSame(first, texts.text(bytes("com.acme.OrderPlaced")), "a repeated value is the same String");
        // many values competing for 64 slots: every one still reads back as itself
        for (int i = 0; i < 1_000; i++) {
            assertEquals("type-" + i, texts.text(bytes("type-" + i)));
        }
        assertEquals("com.acme.OrderPlaced", texts.text(bytes("com.acme.OrderPlaced")));
        assertEquals("zürich", texts.text("zürich".getBytes(StandardCharsets.UTF_8)));
        String longValue = "x".repeat(300);
        assertEquals(longValue, texts.text(bytes(longValue)));
    }

    @Test
    void decodingThroughTheTableReadsTheSameAttributes() {
        HeaderTexts texts = new HeaderTexts();
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("id-1"));
        headers.add("ce_type", bytes("com.acme.OrderPlaced"));
        headers.add("ce_source", bytes("/orders"));
        headers.add("ce_time", bytes("2026-12-02T10:15:30.123Z"));
        DecodedEvent decoded = DecodedEvent.decode(headers, bytes("{}"), texts);
        DecodedEvent plain = DecodedEvent.decode(headers, bytes("{}"));
        assertEquals(plain.type(), decoded.type());
        assertEquals(plain.source(), decoded.source());
        assertEquals("id-1", decoded.id());
        assertEquals(plain.time(), decoded.time());
        assertEquals(2026, decoded.time().getYear());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
