package io.quarkiverse.kafkaevents.runtime.internal.publish;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The size a record is checked with against its topic's {@code max.message.bytes} is never below the size of the
 * batch the producer would write for it alone (so nothing the broker would refuse gets through), and the cheap bound
 * that skips the exact count is never below the exact count (so it never lets a record too large through).
 */
public class RecordSizeTest {

    @Test
    void estimatesBoundTheRealBatch() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", "Ünïcode".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_\u00e9t\u00e9", "x".repeat(300).getBytes(StandardCharsets.UTF_8));
        List<ProducerRecord<String, byte[]>> records = List.of(
                new ProducerRecord<String, byte[]>("t", null, (String) null, "v".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<String, byte[]>("t", null, "k\u2603\u00e9", new byte[1500]),
                new ProducerRecord<String, byte[]>("t", (Integer) null, "key", new byte[0], headers),
                new ProducerRecord<String, byte[]>("t", (Integer) null, (String) null, new byte[100_000], headers));
        for (ProducerRecord<String, byte[]> record : records) {
            int estimate = SendWatch.size(record);
            int real = batchSize(record);
            assertTrue(estimate >= real, "estimate " + estimate + " below the real batch " + real);
            assertTrue(estimate - real < 32, "estimate " + estimate + " far above the real batch " + real);
            assertTrue(SendWatch.roughSize(record) >= estimate, "rough " + SendWatch.roughSize(record)
                    + " below the estimate " + estimate);
        }
    }

    /** The bytes of the batch the producer writes for the record alone, uncompressed. */
    private static int batchSize(ProducerRecord<String, byte[]> record) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256 * 1024), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(System.currentTimeMillis(), record.key() == null ? null
                : record.key().getBytes(StandardCharsets.UTF_8), record.value(), record.headers().toArray());
        return builder.build().sizeInBytes();
    }
}
