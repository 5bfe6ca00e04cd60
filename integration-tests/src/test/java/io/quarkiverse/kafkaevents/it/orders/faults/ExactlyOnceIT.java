package io.quarkiverse.kafkaevents.it.orders.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.it.orders.PaymentRequested;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Exactly-once from Kafka to Kafka: the sample's {@code Payments#onRequested} turns each {@code PaymentRequested} into
 * one {@code PaymentCaptured} in a Kafka transaction. Under {@code kill -9} of the instance (twice, restarted with its
 * {@code instance-id}) and a zombie instance (paused with SIGSTOP past its session timeout while another takes its
 * partitions, then resumed), a {@code read_committed} reader of the captures sees exactly one per request. The same
 * kills with the handler out of its transaction (at-least-once) show captures twice, so the check can fail.
 */
@QuarkusTest
@TestProfile(FaultClusterProfile.class)
class ExactlyOnceIT {

    static final String HANDLER = "quarkus.kafka-events.handlers.\"io.quarkiverse.kafkaevents.it.orders.Payments"
            + "#onRequested\".";
    static final int EVENTS = 20_000;
    /** Requests per second: the stream lasts about 12 s, so the kills fall in the middle of it. */
    static final int RATE = 1_600;

    @Inject
    EventPublisher publisher;

    @AfterEach
    void killChildren() {
        ChildApp.killAll();
    }

    @Test
    void killedTwiceInKafkaTransactionsCapturesEachPaymentOnce() throws Exception {
        Captures captures = killTwice(true);
        assertEquals(0, captures.lost(), "requests never captured");
        assertEquals(0, captures.duplicates(), "captures beyond one per request: " + captures.twice(10));
    }

    @Test
    void killedTwiceAtLeastOnceCapturesSomePaymentsTwice() throws Exception {
        Captures captures = killTwice(false);
        assertEquals(0, captures.lost(), "requests never captured");
        assertTrue(captures.duplicates() > 0, "the same kills without the transaction should capture some twice");
    }

    private Captures killTwice(boolean transactional) throws Exception {
        String run = FaultSupport.run(transactional ? "eos-kill" : "alo-kill");
        String group = "fault-" + run;
        Map<String, String> settings = Map.of("quarkus.kafka-events.instance-id", "pay-" + run,
                HANDLER + "kafka-transaction", Boolean.toString(transactional));
        try (Admin admin = FaultSupport.admin();
                Captures captures = Captures.start(group)) {
            FaultSupport.healCluster(admin);
            startAtEnd(admin, group);
            ChildApp first = ChildApp.launch(run + "-1", group, settings).awaitReady(Duration.ofSeconds(90));
            Thread requests = publish(run, EVENTS, RATE);
            FaultSupport.awaitTrue("4000 captured", Duration.ofSeconds(60), () -> captures.distinct() >= 4_000);
            first.kill();
            ChildApp second = ChildApp.launch(run + "-2", group, settings).awaitReady(Duration.ofSeconds(90));
            FaultSupport.awaitTrue("11000 captured", Duration.ofSeconds(60), () -> captures.distinct() >= 11_000);
            second.kill();
            int atSecondKill = captures.distinct();
            ChildApp.launch(run + "-3", group, settings).awaitReady(Duration.ofSeconds(90));
            requests.join(TimeUnit.SECONDS.toMillis(120));
            FaultSupport.awaitTrue("every request captured", Duration.ofSeconds(120),
                    () -> captures.distinct() >= EVENTS);
            FaultSupport.sleep(2_000); // late duplicates would show by now
            FaultSupport.report(transactional ? "exactly-once-kill-twice" : "at-least-once-kill-twice",
                    "requests=" + EVENTS + " captured=" + captures.distinct() + " lost=" + captures.lost()
                            + " duplicates=" + captures.duplicates() + " capturedAtSecondKill=" + atSecondKill);
            return captures;
        }
    }

    @Test
    void aZombieInstanceIsFenced() throws Exception {
        String run = FaultSupport.run("eos-zombie");
        String group = "fault-" + run;
        // a short session timeout, so the paused instance's partitions move within the test
        Map<String, String> common = Map.of(HANDLER + "kafka.\"session.timeout.ms\"", "6000",
                HANDLER + "kafka.\"heartbeat.interval.ms\"", "1000");
        Map<String, String> a = new HashMap<>(common);
        a.put("quarkus.kafka-events.instance-id", "zombie-a-" + run);
        Map<String, String> b = new HashMap<>(common);
        b.put("quarkus.kafka-events.instance-id", "zombie-b-" + run);
        int events = 8_000;
        try (Admin admin = FaultSupport.admin();
                Captures captures = Captures.start(group)) {
            FaultSupport.healCluster(admin);
            startAtEnd(admin, group);
            ChildApp zombie = ChildApp.launch(run + "-a", group, a);
            ChildApp other = ChildApp.launch(run + "-b", group, b);
            zombie.awaitReady(Duration.ofSeconds(90));
            other.awaitReady(Duration.ofSeconds(90));
            Thread requests = publish(run, events, 800);
            FaultSupport.awaitTrue("2000 captured", Duration.ofSeconds(60), () -> captures.distinct() >= 2_000);
            signal("STOP", zombie.pid());
            long stoppedAt = System.currentTimeMillis();
            // past the session timeout (6 s) and the transaction timeout (10 s): the group and the coordinator move on
            FaultSupport.sleep(12_000);
            signal("CONT", zombie.pid());
            requests.join(TimeUnit.SECONDS.toMillis(60));
            FaultSupport.awaitTrue("every request captured", Duration.ofSeconds(120),
                    () -> captures.distinct() >= events);
            FaultSupport.sleep(3_000); // the zombie's late commits would show by now
            FaultSupport.report("exactly-once-zombie", "requests=" + events + " captured=" + captures.distinct()
                    + " lost=" + captures.lost(events) + " duplicates=" + captures.duplicates() + " pausedFor="
                    + (System.currentTimeMillis() - stoppedAt) / 1000 + "s+");
            assertEquals(0, captures.lost(events), "requests never captured");
            assertEquals(0, captures.duplicates(), "captures beyond one per request: " + captures.twice(10));
        }
    }

    /**
     * The inbox under an offset reset: an instance handles a run of {@code OrderPlaced} events through the sample's
     * inbox handler and stops; the group's offsets are moved back to where the run began (as an operator replaying a
     * topic would); a second instance receives every event again and handles none of them: the inbox skips each one
     * and counts it.
     */
    @Test
    void anOffsetResetWithTheInboxHandlesNothingTwice() throws Exception {
        String run = FaultSupport.run("inbox-reset");
        String group = "fault-" + run;
        // dynamic members (no instance-id) leave the group when stopped, so its offsets can be moved at once
        Map<String, String> settings = Map.of();
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            startAtEnd(admin, group);
            Map<TopicPartition, OffsetAndMetadata> runStart = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, offset) -> {
                        if (tp.topic().equals(FaultSupport.TOPIC)) {
                            runStart.put(tp, offset);
                        }
                    });
            ChildApp first = ChildApp.launch(run + "-1", group, settings).awaitReady(Duration.ofSeconds(90));
            Publishing publishing = Publishing.start(publisher, run, 10, 40, 200);
            publishing.await(Duration.ofSeconds(60));
            ConsumerFailoverIT.awaitHandled(run, publishing.acknowledged, List.of(first), Duration.ofSeconds(60));
            first.terminate(Duration.ofSeconds(30));

            FaultSupport.awaitTrue("the group's offsets moved back", Duration.ofSeconds(30), () -> {
                try {
                    admin.alterConsumerGroupOffsets(group, runStart).all().get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false; // members still leaving
                }
            });
            ChildApp second = ChildApp.launch(run + "-2", group, settings).awaitReady(Duration.ofSeconds(90));
            int events = publishing.acknowledged.size();
            FaultSupport.awaitTrue("the second instance skips the run's " + events + " events",
                    Duration.ofSeconds(60), () -> inboxDuplicates(second) >= events);
            FaultSupport.sleep(1_000); // a handler call of the second instance would be in its ledger by now
            int handledAgain = second.ledger().doneIds(run).size();
            FaultSupport.report("inbox-offset-reset", "published=" + events + " handledByFirst="
                    + first.ledger().doneIds(run).size() + " skippedBySecond=" + inboxDuplicates(second)
                    + " handledAgain=" + handledAgain);
            assertEquals(events, first.ledger().doneIds(run).size(), "handled by the first instance");
            assertEquals(0, handledAgain, "handled again after the offset reset");
            assertEquals(events, inboxDuplicates(second), "kafka_events_inbox_duplicates_total of the second");
        }
    }

    /** {@code kafka_events_inbox_duplicates_total}, summed over handlers, on the instance's {@code /q/metrics}. */
    private static long inboxDuplicates(ChildApp app) {
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(app.uri("/q/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            double total = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("kafka_events_inbox_duplicates_total")) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) total;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Publishes the run's requests at a steady rate, in the background. */
    private Thread publish(String run, int count, int perSecond) {
        Thread thread = new Thread(() -> {
            long start = System.nanoTime();
            int chunk = 100;
            for (int from = 0; from < count; from += chunk) {
                List<PaymentRequested> requests = new ArrayList<>(chunk);
                for (int i = from; i < Math.min(count, from + chunk); i++) {
                    requests.add(new PaymentRequested(run + "-" + i, "order-" + i, 100 + i));
                }
                long due = start + TimeUnit.SECONDS.toNanos(from) / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    FaultSupport.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
                }
                publisher.publishAll(requests).await().atMost(Duration.ofSeconds(60));
            }
        }, "requests-" + run);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The new group starts at the current end of every topic of the sample, so it handles this run's events only. */
    private static void startAtEnd(Admin admin, String group) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
            if (topic.startsWith("test.sales.public.")) {
                admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
        }
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, end) -> offsets.put(tp, new OffsetAndMetadata(end.offset())));
        admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
