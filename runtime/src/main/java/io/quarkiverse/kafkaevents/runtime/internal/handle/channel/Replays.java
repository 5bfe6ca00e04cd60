package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a dead-letter replay puts on the records it re-publishes, and how a consumer group reads them: a replay
 * is meant for the group that dead-lettered the record, so the other groups of the topic, which handled it already,
 * skip it.
 */
public final class Replays {

    /** Every replay header starts with this. */
    public static final String PREFIX = "kafka-events-replay";
    /** When the record was replayed (ISO-8601 instant): a replayed record carries it. */
    public static final String TIME = PREFIX + "-time";
    /** The only consumer group that handles the replayed record; absent: every group. */
    public static final String GROUP = PREFIX + "-group";
    /** Where the replay read the record: {@code <dead-letter topic>-<partition>@<offset>}. */
    public static final String SOURCE = PREFIX + "-source";

    private Replays() {
    }

    /** Whether the record is a replay meant for another consumer group than {@code group}. */
    public static boolean forAnotherGroup(Headers headers, String group) {
        Header target = headers.lastHeader(GROUP);
        return target != null && target.value() != null
                && !group.equals(new String(target.value(), StandardCharsets.UTF_8));
    }
}
