package io.quarkiverse.kafkaevents.it.orders.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Scenario 7: two instances on one database write 10,000 events, every order's events alternately through one
 * instance and the other, while both relays send them side by side ({@code FOR UPDATE SKIP LOCKED} under a lease; the
 * fast path is off so that the relays do all the sending). Every event reaches the topic once, and the events of each
 * order in the order their transactions committed.
 */
@QuarkusTest
@TestProfile(FaultClusterProfile.class)
class OutboxRelaysIT {

    private static final int ORDERS = 1_000;
    /** One {@code OrderPlaced}, then cancellations numbered 1 to 9: 10 events per order. */
    private static final int EVENTS_PER_ORDER = 10;
    private static final Map<String, String> RELAY_ONLY = Map.of("quarkus.kafka-events.outbox.fast-path", "false",
            "quarkus.kafka-events.outbox.relay-interval", "200ms");
    private static final Pattern SEQUENCE = Pattern.compile("seq-(\\d+)");

    @Inject
    AgroalDataSource database;

    @AfterEach
    void killChildren() {
        ChildApp.killAll();
    }

    @Test
    void twoInstancesRelayTenThousandEventsSideBySide() throws Exception {
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            String run = FaultSupport.run("outbox-relays");
            String group = "fault-" + run;
            FaultSupport.startGroupAtEnd(admin, group);
            List<ChildApp> apps = List.of(ChildApp.launch(run + "-a", group, RELAY_ONLY),
                    ChildApp.launch(run + "-b", group, RELAY_ONLY));
            apps.forEach(app -> app.awaitReady(Duration.ofSeconds(90)));

            // 8 writers; each order's events are written one after the other (the next once the previous committed),
            // alternately through each instance, while the writers of other orders run concurrently
            Set<String> orders = ConcurrentHashMap.newKeySet();
            long started = System.nanoTime();
            ExecutorService writers = Executors.newFixedThreadPool(8);
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                writes.add(writers.submit(() -> {
                    for (int o = 0; o < ORDERS / 8; o++) {
                        String id = OutboxSupport.place(apps.get(o % 2), run, "espresso");
                        orders.add(id);
                        for (int seq = 1; seq < EVENTS_PER_ORDER; seq++) {
                            OutboxSupport.cancel(apps.get((o + seq) % 2), id, "seq-" + seq);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get(10, TimeUnit.MINUTES);
            }
            writers.shutdown();
            double writeSeconds = (System.nanoTime() - started) / 1e9;
            FaultSupport.awaitTrue("outbox relayed", Duration.ofSeconds(120),
                    () -> OutboxSupport.outboxRowsNow(database, orders) == 0);
            double relaySeconds = (System.nanoTime() - started) / 1e9;

            Map<String, List<OutboxSupport.Event>> onTopic = OutboxSupport.eventsOf(admin, orders);
            int events = onTopic.values().stream().mapToInt(List::size).sum();
            int duplicates = OutboxSupport.duplicates(onTopic);
            List<String> outOfOrder = new ArrayList<>();
            for (Map.Entry<String, List<OutboxSupport.Event>> order : onTopic.entrySet()) {
                List<String> sequence = order.getValue().stream().filter(e -> !"OrderConfirmed".equals(e.type()))
                        .map(OutboxRelaysIT::position).toList();
                if (!sequence.equals(expectedSequence())) {
                    outOfOrder.add(order.getKey() + " " + sequence);
                }
            }
            long[] relayed = apps.stream().mapToLong(OutboxRelaysIT::relayedBy).toArray();
            FaultSupport.report("outbox-two-relays", "orders=" + orders.size() + " events=" + events
                    + " (with OrderConfirmed) duplicates=" + duplicates + " outOfOrder=" + outOfOrder.size()
                    + " relayedByA=" + relayed[0] + " relayedByB=" + relayed[1] + " writeSeconds="
                    + Math.round(writeSeconds) + " allRelayedSeconds=" + Math.round(relaySeconds));

            assertEquals(ORDERS, orders.size());
            assertEquals(orders, onTopic.keySet(), "orders with events on the topic");
            assertEquals(List.of(), outOfOrder, "orders whose events are not in commit order");
            assertEquals(0, duplicates, "events sent twice without any crash");
            assertTrue(relayed[0] > 0 && relayed[1] > 0, "both relays worked: " + relayed[0] + ", " + relayed[1]);
        }
    }

    /** {@code placed}, then {@code seq-1} ... {@code seq-9}. */
    private static List<String> expectedSequence() {
        List<String> expected = new ArrayList<>(List.of("placed"));
        for (int seq = 1; seq < EVENTS_PER_ORDER; seq++) {
            expected.add("seq-" + seq);
        }
        return expected;
    }

    private static String position(OutboxSupport.Event event) {
        if ("OrderPlaced".equals(event.type())) {
            return "placed";
        }
        Matcher matcher = SEQUENCE.matcher(event.payload().path("reason").asText());
        return matcher.matches() ? "seq-" + matcher.group(1) : event.type() + "?" + event.payload();
    }

    /** The instance's relayed-rows counter, from its metrics endpoint. */
    private static long relayedBy(ChildApp app) {
        String metrics = OutboxSupport.get(app, "/q/metrics");
        Matcher matcher = Pattern.compile("(?m)^kafka_events_outbox_relayed_total(?:\\{[^}]*\\})? ([0-9.E]+)$")
                .matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : -1;
    }

}
