package io.quarkiverse.kafkaevents.runtime.internal.handle.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The committable offset of a partition: never past a record not finished, whatever order records finish in. */
class PartitionOffsetsTest {

    @Test
    void nothingToCommitBeforeTheFirstRecord() {
        assertEquals(-1, new PartitionOffsets().toCommit());
    }

    @Test
    void commitsUpToTheFirstRecordNotFinished() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long offset = 10; offset < 15; offset++) {
            offsets.received(offset, 1000 + offset);
        }
        assertEquals(10, offsets.toCommit(), "nothing finished: the first record's offset");
        assertEquals(-1, offsets.toCommit(), "unchanged since the last commit");
        offsets.finished(11);
        offsets.finished(12);
        assertEquals(-1, offsets.toCommit(), "10 is not finished");
        assertEquals(1010, offsets.oldestTimestamp());
        assertEquals(3, offsets.unfinished());
        offsets.finished(10);
        assertEquals(13, offsets.toCommit());
        assertEquals(1013, offsets.oldestTimestamp());
        offsets.finished(14);
        offsets.finished(13);
        assertEquals(15, offsets.toCommit(), "all finished: after the last one");
        assertEquals(-1, offsets.oldestTimestamp());
        assertEquals(0, offsets.unfinished());
    }

    @Test
    void gapsInOffsetsAreSkipped() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.received(5, 0);
        offsets.received(9, 0); // 6 to 8: compacted away, or transaction markers
        offsets.received(20, 0);
        offsets.finished(9);
        offsets.finished(5);
        assertEquals(20, offsets.toCommit());
        offsets.finished(20);
        assertEquals(21, offsets.toCommit());
    }

    @Test
    void aFailedCommitIsOfferedAgain() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.received(0, 0);
        offsets.finished(0);
        assertEquals(1, offsets.toCommit());
        offsets.commitFailed(1);
        assertEquals(1, offsets.toCommit());
    }

    @Test
    void aConsumerMovedBackStartsAnew() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.received(100, 0);
        offsets.received(101, 0);
        offsets.finished(101);
        assertEquals(100, offsets.toCommit());
        // back to the last committed offset (a new assignment): 100 and 101 come again
        offsets.received(90, 0);
        offsets.finished(100); // the earlier delivery of 100 finishing late: not tracked any more
        assertEquals(90, offsets.toCommit(), "never past 90, which is not finished");
        offsets.finished(90);
        assertEquals(91, offsets.toCommit());
    }

    @Test
    void finishedInAnyOrderNeverCommitsPastAnUnfinishedRecord() {
        Random random = new Random(42);
        PartitionOffsets offsets = new PartitionOffsets();
        List<Long> pending = new ArrayList<>();
        long next = 0;
        long committed = -1;
        for (int round = 0; round < 2_000; round++) {
            // a poll of up to 300 records (the ring grows), then a random part of what is pending finishes
            for (int i = random.nextInt(300); i > 0; i--) {
                offsets.received(next, next);
                pending.add(next++);
            }
            Collections.shuffle(pending, random);
            int finishing = random.nextInt(pending.size() + 1);
            for (int i = 0; i < finishing; i++) {
                offsets.finished(pending.remove(pending.size() - 1));
            }
            long expected = pending.isEmpty() ? next : Collections.min(pending);
            long offered = offsets.toCommit();
            if (expected > committed) {
                assertEquals(expected, offered, "round " + round);
                committed = expected;
            } else {
                assertEquals(-1, offered, "round " + round);
            }
            assertEquals(pending.size(), offsets.unfinished());
            assertEquals(pending.isEmpty() ? -1L : (long) Collections.min(pending), offsets.oldestTimestamp());
        }
    }
}
