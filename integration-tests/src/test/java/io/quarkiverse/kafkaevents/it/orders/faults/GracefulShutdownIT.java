package io.quarkiverse.kafkaevents.it.orders.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Scenario 5: an instance that publishes (orders placed over HTTP, published through its {@code EventPublisher}) and
 * handles (slow handler calls, a backlog queued behind them) is stopped with SIGTERM. Every order it acknowledged is on
 * the topic; the handler calls in flight finish; the offsets of what it handled are committed, so the instance that
 * takes over handles none of it again, and handles everything else.
 */
@QuarkusTest
@TestProfile(FaultClusterProfile.class)
class GracefulShutdownIT {

    @Inject
    AgroalDataSource database;

    private static final Pattern ORDER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final int CLIENTS = 6;

    @AfterEach
    void killChildren() {
        ChildApp.killAll();
    }

    @Test
    void sigtermWhilePublishingAndHandling() throws Exception {
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            String run = FaultSupport.run("sigterm");
            String group = "fault-" + run;
            FaultSupport.startGroupAtEnd(admin, group);
            // each handler call takes 20 ms or more: calls are running, and records queued, when SIGTERM comes
            Map<String, String> slow = Map.of("orders.fault-ledger.handler-delay", "20ms");
            ChildApp first = ChildApp.launch(run + "-1", group, slow).awaitReady(Duration.ofSeconds(90));

            Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
            Set<String> acknowledged = acknowledgedAt.keySet();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread client = new Thread(() -> placeOrders(first, run, acknowledgedAt, refused, stop), "orders-" + c);
                client.setDaemon(true);
                client.start();
                clients.add(client);
            }
            FaultSupport.awaitTrue("handling under way", Duration.ofSeconds(60),
                    () -> first.ledger().done(run).size() >= 200);
            long sigtermAt = System.currentTimeMillis();
            int exit = first.terminate(Duration.ofSeconds(30));
            long stopMillis = System.currentTimeMillis() - sigtermAt;
            stop.set(true);
            for (Thread client : clients) {
                client.join(10_000);
            }

            Ledger stopped = first.ledger();
            // handler calls running when SIGTERM was sent: started before, finished after
            Map<String, Long> startedAt = new HashMap<>();
            stopped.started(run).forEach(e -> startedAt.put(e.event(), e.millis()));
            long runningAtSigterm = stopped.done(run).stream()
                    .filter(e -> e.millis() >= sigtermAt && startedAt.getOrDefault(e.event(), sigtermAt) < sigtermAt)
                    .count();
            Map<String, Long> committed = FaultSupport.committed(admin, group);
            List<String> handledNotCommitted = new ArrayList<>();
            for (Ledger.Entry e : stopped.done(run)) {
                if (e.offset() >= committed.getOrDefault(e.partition(), 0L)) {
                    handledNotCommitted.add(e.partition() + "@" + e.offset());
                }
            }
            ChildApp second = ChildApp.launch(run + "-2", group, Map.of()).awaitReady(Duration.ofSeconds(90));
            // the sample publishes through the outbox: what the stopped instance committed and had not sent yet is
            // sent by the successor's relay; read the topic once no row of the run's orders is left
            Set<String> orders = new HashSet<>(acknowledged);
            stopped.done(run).forEach(e -> orders.add(e.orderId()));
            FaultSupport.awaitTrue("outbox rows of the run relayed", Duration.ofSeconds(60),
                    () -> OutboxSupport.outboxRowsNow(database, orders) == 0);
            FaultSupport.TopicContent topic = FaultSupport.read(admin, run);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(topic.placed().keySet());
            Set<String> notConfirmed = new HashSet<>();
            stopped.done(run).forEach(e -> {
                if (!topic.confirmedOrders().contains(e.orderId())) {
                    notConfirmed.add(e.orderId());
                }
            });
            ConsumerFailoverIT.awaitHandled(run, topic.placed().keySet(), List.of(first, second),
                    Duration.ofSeconds(90));
            Ledger successor = second.ledger();
            Set<String> handledAgain = new HashSet<>(stopped.doneIds(run));
            handledAgain.retainAll(successor.doneIds(run));
            Set<String> unhandled = ConsumerFailoverIT.unhandled(topic.placed().keySet(), run,
                    List.of(stopped, successor));
            FaultSupport.report("sigterm-publishing-handling", "acknowledged=" + acknowledged.size() + " refused="
                    + refused.get() + " onTopic=" + topic.placed().size() + " lost=" + lost.size()
                    + " duplicatesOnTopic=" + topic.duplicates() + " handledByStopped=" + stopped.doneIds(run).size()
                    + " runningAtSigtermFinished=" + runningAtSigterm + " halfDone=" + stopped.halfDone(run).size()
                    + " handledNotConfirmed=" + notConfirmed.size()
                    + " handledNotCommitted=" + handledNotCommitted.size() + " handledAgainBySuccessor="
                    + handledAgain.size() + " unhandled=" + unhandled.size() + " exit=" + exit + " stopSeconds="
                    + stopMillis / 1000.0 + " drainLog=" + drainLog(first));

            assertEquals(Set.of(), lost, "acknowledged orders missing from the topic");
            // the outbox drains its sends in flight before it stops: no acknowledged row is sent again by the successor
            assertEquals(0, topic.duplicates(), "events on the topic twice across the graceful stop");
            // 143 = 128 + SIGTERM: how a JVM exits after running its shutdown hooks on SIGTERM
            assertTrue(exit == 143 || exit == 0, "exit code after SIGTERM: " + exit);
            assertTrue(first.loggedAt("stopped in") > 0, "no clean stop in the log");
            assertTrue(runningAtSigterm > 0, "no handler call was running at SIGTERM: the scenario tested nothing");
            assertEquals(Set.of(), stopped.halfDone(run), "handler calls cut short by the shutdown");
            // the drain itself takes at most shutdown.timeout (10 s); see reliability.adoc for what SmallRye adds
            assertTrue(stopMillis < 20_000, "stopping took " + stopMillis + " ms");
            assertEquals(Set.of(), notConfirmed, "handled orders whose OrderConfirmed was not published");
            assertEquals(List.of(), handledNotCommitted, "handled records whose offsets were not committed");
            assertEquals(Set.of(), handledAgain, "records the stopped instance handled, handled again");
            assertEquals(Set.of(), unhandled);
            assertTrue(stopped.doneIds(run).size() >= 200);
        }
    }

    /**
     * The same stop with {@code delivery=immediate} (the sample's default is the outbox): an order is acknowledged
     * (201) once the broker acknowledged its {@code OrderPlaced}, so every acknowledged order must be on the topic,
     * including those whose request was in flight when SIGTERM came.
     */
    @Test
    void sigtermWhilePublishingImmediately() throws Exception {
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            String run = FaultSupport.run("sigterm-immediate");
            String group = "fault-" + run;
            FaultSupport.startGroupAtEnd(admin, group);
            ChildApp app = ChildApp.launch(run, group, Map.of("quarkus.kafka-events.delivery", "immediate"))
                    .awaitReady(Duration.ofSeconds(90));

            Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread client = new Thread(() -> placeOrders(app, run, acknowledgedAt, refused, stop),
                        "immediate-orders-" + c);
                client.setDaemon(true);
                client.start();
                clients.add(client);
            }
            FaultSupport.awaitTrue("orders acknowledged", Duration.ofSeconds(30), () -> acknowledgedAt.size() >= 300);
            long sigtermAt = System.currentTimeMillis();
            int exit = app.terminate(Duration.ofSeconds(30));
            long stopMillis = System.currentTimeMillis() - sigtermAt;
            stop.set(true);
            for (Thread client : clients) {
                client.join(10_000);
            }
            long answeredAfterSigterm = acknowledgedAt.values().stream().filter(at -> at >= sigtermAt).count();

            FaultSupport.TopicContent topic = FaultSupport.read(admin, run);
            Set<String> lost = new HashSet<>(acknowledgedAt.keySet());
            lost.removeAll(topic.placed().keySet());
            FaultSupport.report("sigterm-immediate-publishing", "acknowledged=" + acknowledgedAt.size()
                    + " acknowledgedAfterSigterm=" + answeredAfterSigterm + " refused=" + refused.get() + " onTopic="
                    + topic.placed().size() + " lost=" + lost.size() + " duplicatesOnTopic=" + topic.duplicates()
                    + " exit=" + exit + " stopSeconds=" + stopMillis / 1000.0 + " drainLog=" + drainLog(app));

            assertEquals(Set.of(), lost, "acknowledged orders missing from the topic");
            // a record is sent once: the producer's idempotence keeps a retried batch from being written twice
            assertEquals(0, topic.duplicates(), "events on the topic twice");
            assertTrue(exit == 143 || exit == 0, "exit code after SIGTERM: " + exit);
            assertTrue(app.loggedAt("stopped in") > 0, "no clean stop in the log");
            assertTrue(stopMillis < 20_000, "stopping took " + stopMillis + " ms");
            assertTrue(answeredAfterSigterm > 0, "no publish was answered after SIGTERM: the scenario tested nothing");
            assertTrue(acknowledgedAt.size() >= 300);
        }
    }

    /** Places orders one after the other until stopped or refused; keeps those acknowledged (201). */
    private static void placeOrders(ChildApp app, String run, Map<String, Long> acknowledged, AtomicInteger refused,
            AtomicBoolean stop) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int seq = 1; !stop.get(); seq++) {
            String item = "seq-" + seq;
            HttpRequest request = HttpRequest.newBuilder(app.uri("/orders")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"customerId\":\"" + run + "\",\"item\":\"" + item + "\",\"quantity\":1}"))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                Matcher id = ORDER_ID.matcher(response.body());
                if (response.statusCode() == 201 && id.find()) {
                    acknowledged.put(id.group(1) + "/" + item, System.currentTimeMillis());
                } else {
                    refused.incrementAndGet();
                }
            } catch (IOException e) {
                // the instance is stopping: it closes its HTTP server first
                refused.incrementAndGet();
                FaultSupport.sleep(100);
                if (!app.process.isAlive()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String drainLog(ChildApp app) {
        return DevBrokerCluster.tail(app.log, 200).stream().filter(l -> l.contains("Kafka Events"))
                .map(l -> l.substring(Math.max(0, l.indexOf("Kafka Events")))).toList().toString();
    }
}
