package io.quarkiverse.kafkaevents.deployment.handlers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.DecodedEvent;

/**
 * Binary-mode records are read straight from their headers (time parsed and extensions collected only when asked);
 * what the CloudEvents SDK writes reads back the same, and broken attributes are refused with the reason.
 */
class DecodedEventTest {

    private static final byte[] JSON = "{\"a\":1}".getBytes(UTF_8);

    @Test
    void readsWhatTheSdkWritesInBinaryMode() {
        CloudEvent event = CloudEventBuilder.v1().withId("id-1").withSource(URI.create("/orders")).withType("Placed")
                .withSubject("o-1").withTime(OffsetDateTime.of(2026, 12, 2, 11, 30, 0, 123_000_000, ZoneOffset.UTC))
                .withDataContentType("application/json").withExtension("tenant", "acme").withData(JSON).build();
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter("t", null, null, "k")
                .writeBinary(event);
        record.headers().add("origin", "import".getBytes(UTF_8));

        DecodedEvent decoded = DecodedEvent.decode(record.headers(), record.value());
        assertFalse(decoded.plain());
        assertEquals("id-1", decoded.id());
        assertEquals("Placed", decoded.type());
        assertEquals("/orders", decoded.source());
        assertEquals("o-1", decoded.subject());
        assertEquals(event.getTime().toInstant(), decoded.time().toInstant());
        assertEquals(Map.of("tenant", "acme"), decoded.extensions());
        assertArrayEquals(JSON, decoded.data());
    }

    @Test
    void refusesBinaryRecordsWithoutRequiredAttributesOrWithABadTime() {
        IllegalArgumentException noType = assertThrows(IllegalArgumentException.class,
                () -> DecodedEvent.decode(headers("ce_id", "x", "ce_source", "/s"), JSON));
        assertTrue(noType.getMessage().contains("without ce_type"), noType.getMessage());
        IllegalArgumentException badTime = assertThrows(IllegalArgumentException.class, () -> DecodedEvent
                .decode(headers("ce_id", "x", "ce_source", "/s", "ce_type", "T", "ce_time", "yesterday"), JSON));
        assertTrue(badTime.getMessage().contains("ce_time 'yesterday'"), badTime.getMessage());
    }

    @Test
    void refusesASourceThatIsNoUriReferenceAndReadsAnEmptyValueAsNoData() {
        IllegalArgumentException badSource = assertThrows(IllegalArgumentException.class,
                () -> DecodedEvent.decode(headers("ce_id", "x", "ce_source", "not a uri", "ce_type", "T"), JSON));
        assertTrue(badSource.getMessage().startsWith("invalid CloudEvent: ce_source 'not a uri'"),
                badSource.getMessage());
        assertNull(DecodedEvent.decode(headers("ce_id", "x", "ce_source", "/s", "ce_type", "T"), new byte[0]).data());
        // no authority after "//"
        assertThrows(IllegalArgumentException.class,
                () -> DecodedEvent.decode(headers("ce_id", "x", "ce_source", "//", "ce_type", "T"), JSON));
        for (String valid : List.of("/orders-service", "urn:shop:orders", "https://shop.example/orders?x=1#y",
                "//shop.example/orders", "orders/v1", "/a/%20b")) {
            assertEquals(valid, DecodedEvent.decode(headers("ce_id", "x", "ce_source", valid, "ce_type", "T"), JSON)
                    .source());
        }
    }

    @Test
    void timeOfTheRightShapeButNoDateIsNull() {
        DecodedEvent decoded = DecodedEvent.decode(
                headers("ce_id", "x", "ce_source", "/s", "ce_type", "T", "ce_time", "2026-13-45T99:00:00Z"), JSON);
        assertEquals("T", decoded.type());
        assertNull(decoded.time());
    }

    @Test
    void otherSpecVersionsAndPlainJsonStillRead() {
        DecodedEvent old = DecodedEvent.decode(headers("ce_specversion", "0.3", "ce_id", "x", "ce_source", "/s",
                "ce_type", "Old"), JSON);
        assertEquals("Old", old.type());
        DecodedEvent plain = DecodedEvent.decode(new RecordHeaders(), JSON);
        assertTrue(plain.plain());
        assertNull(plain.type());
    }

    private static Headers headers(String... namesAndValues) {
        Headers headers = new RecordHeaders();
        if (namesAndValues.length == 0 || !namesAndValues[0].equals("ce_specversion")) {
            headers.add("ce_specversion", "1.0".getBytes(UTF_8));
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(UTF_8));
        }
        return headers;
    }
}
