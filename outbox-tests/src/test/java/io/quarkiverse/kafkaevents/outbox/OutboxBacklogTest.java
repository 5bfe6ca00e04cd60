package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkiverse.kafkaevents.deployment.failures.HealthProbe;
import io.quarkus.test.QuarkusUnitTest;

/**
 * A backlog with many rows per key (what a broker outage or a crash leaves) is relayed a batch at a time, each key's
 * rows in a chain, not one row per key per relay round; a row the broker refuses in the middle of a chain stops its
 * key (the rest of the chain is given back unsent) while the other key flows.
 */
public class OutboxBacklogTest {

    static final String TOPIC = "test.backlog.public.readings";
    static final String TABLE = "backlog_outbox";

    @EventTopic(value = "readings", domain = "backlog")
    public record MeterRead(@PartitionKey String meter, int sequence, String note) {
    }

    @ApplicationScoped
    public static class Meters {
        @Inject
        EventPublisher publisher;

        /** One transaction writing many readings of one meter. */
        @Transactional
        void read(String meter, int from, int count, String note) {
            for (int i = from; i < from + count; i++) {
                publisher.publish(new MeterRead(meter, i, note)).await().atMost(Duration.ofSeconds(10));
            }
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = TestDatabase.withDatabase(new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(MeterRead.class, Meters.class, RawRecords.class,
                    TestDatabase.class))
            .overrideConfigKey("quarkus.application.name", "backlog-test")
            .overrideConfigKey("quarkus.kafka-events.outbox.table", TABLE)
            // nothing sent at commit: the relay finds the whole backlog, every 2 s
            .overrideConfigKey("quarkus.kafka-events.outbox.fast-path", "false")
            .overrideConfigKey("quarkus.kafka-events.outbox.relay-interval", "2s")
            .overrideConfigKey("quarkus.kafka-events.outbox.lag-threshold", "3s")
            .overrideConfigKey("quarkus.kafka-events.events.\"MeterRead\".config.\"max.message.bytes\"", "4096"));

    @Inject
    Meters meters;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void deepKeysDrainInBatchesInOrderAndARefusedRowStopsOnlyItsKey() {
        // 2 meters x 400 readings; the old relay took one row per key every round: 200 rounds of 2 s
        meters.read("m-1", 0, 400, "ok");
        meters.read("m-2", 0, 400, "ok");
        TestDatabase.await(() -> TestDatabase.column("SELECT id FROM " + TABLE).isEmpty(), TABLE, Duration.ofSeconds(40));
        assertEquals(List.of(400, 400), counts(sequences()), "every reading once");
        assertTrue(HealthProbe.await("well", true).body().contains("\"kafka-events-outbox\""), "wellness UP");

        // m-1: 3 readings, then one over the topic's max.message.bytes, then 3 more; m-2 goes on meanwhile
        meters.read("m-1", 400, 3, "ok");
        meters.read("m-1", 403, 1, "x".repeat(8000));
        meters.read("m-1", 404, 3, "ok");
        meters.read("m-2", 400, 5, "ok");
        TestDatabase.await(() -> TestDatabase.column("SELECT status FROM " + TABLE + " ORDER BY seq").equals(
                List.of("FAILED", "PENDING", "PENDING", "PENDING")), TABLE, Duration.ofSeconds(30));
        TestDatabase.await(() -> sequences().get("m-2").size() == 405, TABLE);
        Map<String, List<Integer>> sent = sequences();
        assertEquals(403, sent.get("m-1").size(), "m-1 stops at its refused reading: " + tail(sent.get("m-1")));
        assertTrue(TestDatabase.column("SELECT locked_until FROM " + TABLE + " WHERE status = 'PENDING'").stream()
                .allMatch(lease -> lease == null), "the rest of the chain was given back");
        for (Map.Entry<String, List<Integer>> meter : sent.entrySet()) {
            for (int i = 0; i < meter.getValue().size(); i++) {
                assertEquals(i, meter.getValue().get(i), "order of " + meter.getKey() + ": " + tail(meter.getValue()));
            }
        }
        // an operator is needed: the outbox's wellness check says so (its later rows lag too); this instance stays
        // ready, since the broker and its topics are fine
        HealthProbe.Answer well = awaitWellness(body -> body.contains("\"lagging\"") && body.contains("\"refused\""));
        assertTrue(!well.up() && well.body().contains("\"failed\": 1") && well.body().contains("\"pending\": 3")
                && well.body().contains("lag-threshold (3000 ms)"), well.body());
        assertTrue(HealthProbe.get("ready").up(), HealthProbe.get("ready").body());
        // once the refused reading is skipped, the rest of m-1 follows
        TestDatabase.execute("DELETE FROM " + TABLE + " WHERE status = 'FAILED'");
        TestDatabase.await(() -> sequences().get("m-1").size() == 406, TABLE);
        assertEquals(List.of(400, 401, 402, 404, 405, 406), sequences().get("m-1").subList(400, 406));
        assertTrue(HealthProbe.await("well", true).body().contains("\"failed\": 0"), "wellness UP again");
    }

    private static HealthProbe.Answer awaitWellness(java.util.function.Predicate<String> body) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HealthProbe.Answer answer = HealthProbe.get("well");
        while (!body.test(answer.body()) && System.nanoTime() < deadline) {
            TestDatabase.sleep(200);
            answer = HealthProbe.get("well");
        }
        return answer;
    }

    private Map<String, List<Integer>> sequences() {
        Map<String, List<Integer>> byMeter = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : RawRecords.readAll(bootstrap, TOPIC)) {
            String json = new String(record.value(), StandardCharsets.UTF_8);
            int sequence = Integer.parseInt(json.replaceAll(".*\"sequence\":(\\d+).*", "$1"));
            byMeter.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(sequence);
        }
        return byMeter;
    }

    private static List<Integer> counts(Map<String, List<Integer>> byKey) {
        return byKey.values().stream().map(List::size).sorted().toList();
    }

    private static List<Integer> tail(List<Integer> values) {
        return values.subList(Math.max(0, values.size() - 8), values.size());
    }
}
