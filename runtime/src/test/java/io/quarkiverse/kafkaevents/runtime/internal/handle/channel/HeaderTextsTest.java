package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aSourceCheckedOnceIsTrustedOnlyForTheSameText() {
        HeaderTexts texts = new HeaderTexts();
        RecordHeaders good = new RecordHeaders();
        good.add("ce_specversion", bytes("1.0"));
        good.add("ce_id", bytes("id-1"));
        good.add("ce_type", bytes("T"));
        good.add("ce_source", bytes("https://example.com/orders?region=eu"));
        assertEquals("https://example.com/orders?region=eu", DecodedEvent.decode(good, bytes("{}"), texts).source());
        assertTrue(texts.checkedSource(texts.text(bytes("https://example.com/orders?region=eu"))));
        // a different, invalid source after it is still checked
        RecordHeaders bad = new RecordHeaders();
        bad.add("ce_specversion", bytes("1.0"));
        bad.add("ce_id", bytes("id-2"));
        bad.add("ce_type", bytes("T"));
        bad.add("ce_source", bytes("not a uri"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DecodedEvent.decode(bad, bytes("{}"), texts));
        assertTrue(error.getMessage().contains("ce_source 'not a uri'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DecodedEvent.decode(bad, bytes("{}"), texts),
                "an invalid source is never remembered as checked");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
