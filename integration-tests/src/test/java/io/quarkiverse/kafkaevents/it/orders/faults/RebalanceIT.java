package io.quarkiverse.kafkaevents.it.orders.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Scenario 4: a second instance joins the group while events flow, and later leaves (SIGTERM). Every event is handled,
 * and no event of a key starts before the previous event of that key was completely handled, by whichever instance.
 */
@QuarkusTest
@TestProfile(FaultClusterProfile.class)
class RebalanceIT {

    @Inject
    EventPublisher publisher;

    @Inject
    AgroalDataSource database;

    @AfterEach
    void killChildren() {
        ChildApp.killAll();
    }

    @Test
    void instanceJoinsAndLeavesUnderLoad() throws Exception {
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            String run = FaultSupport.run("rebalance");
            String group = "fault-" + run;
            FaultSupport.startGroupAtEnd(admin, group);
            ChildApp first = ChildApp.launch(run + "-a", group, Map.of()).awaitReady(Duration.ofSeconds(90));

            // 80 s of load: the second instance (15 to 35 s to start on a loaded 2-core machine, with Hibernate ORM)
            // joins while events still flow
            Publishing publishing = Publishing.start(publisher, run, 24, 400, 120);
            FaultSupport.awaitTrue("handling under way", Duration.ofSeconds(30),
                    () -> first.ledger().done(run).size() >= 300);
            ChildApp second;
            try {
                second = ChildApp.launch(run + "-b", group, Map.of()).awaitReady(Duration.ofSeconds(90));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + OutboxSupport.describeBacklog(database), e);
            }
            long joined = System.currentTimeMillis();
            // on a loaded machine the second instance may be ready when the load is nearly over (a start-up of 65 s
            // was seen): the events keep flowing, in key order (the continuation starts once all were sent), for it
            Publishing more = null;
            if (publishing.sent() > publishing.total - 24 * 100) {
                publishing.awaitSent(publishing.total, Duration.ofSeconds(60));
                more = Publishing.start(publisher, run, 24, 401, 150, 120);
            }
            FaultSupport.awaitTrue("the second instance handles events", Duration.ofSeconds(60),
                    () -> second.ledger().done(run).size() >= 150);
            int exit = second.terminate(Duration.ofSeconds(30));
            long left = System.currentTimeMillis();

            publishing.await(Duration.ofSeconds(120));
            if (more != null) {
                more.await(Duration.ofSeconds(120));
                publishing.acknowledged.addAll(more.acknowledged);
            }
            ConsumerFailoverIT.awaitHandled(run, publishing.acknowledged, List.of(first, second),
                    Duration.ofSeconds(90));
            List<Ledger> ledgers = List.of(first.ledger(), second.ledger());
            Set<String> unhandled = ConsumerFailoverIT.unhandled(publishing.acknowledged, run, ledgers);
            List<String> outOfOrder = outOfOrder(run, ledgers);
            int duplicates = Ledger.duplicates(run, ledgers);
            FaultSupport.report("rebalance-join-leave", "published=" + publishing.acknowledged.size()
                    + " handledByA=" + ledgers.get(0).done(run).size() + " handledByB=" + ledgers.get(1).done(run).size()
                    + " unhandled=" + unhandled.size() + " outOfOrder=" + outOfOrder.size() + " duplicates="
                    + duplicates + " halfDoneByLeaving=" + ledgers.get(1).halfDone(run).size() + " bExit=" + exit
                    + " longestPauseSeconds=" + FaultSupport.longestPause(ledgerDone(run, ledgers), joined - 1000,
                            left + 10_000) / 1000.0);

            assertEquals(Set.of(), unhandled);
            assertEquals(List.of(), outOfOrder);
            assertEquals(Set.of(), ledgers.get(1).halfDone(run), "the leaving instance left handler calls unfinished");
            assertTrue(ledgers.get(0).done(run).size() > 0 && ledgers.get(1).done(run).size() > 0);
            // a join waits for running calls and commits before giving partitions up (shutdown.revocation-timeout), a
            // graceful leave drains and commits: nothing handled is handed over (0 measured, 2026-12-07)
            assertEquals(0, duplicates, "events handled twice");
        }
    }

    private static List<Ledger.Entry> ledgerDone(String run, List<Ledger> ledgers) {
        List<Ledger.Entry> all = new ArrayList<>();
        ledgers.forEach(l -> all.addAll(l.done(run)));
        return all;
    }

    /**
     * The handler calls that started before the previous event of their key ({@code seq-<n-1>}) had been completely
     * handled by any instance, described. Several instances write to their ledgers with the same clock.
     */
    static List<String> outOfOrder(String run, List<Ledger> ledgers) {
        Map<String, Long> firstDone = new HashMap<>();
        for (Ledger ledger : ledgers) {
            for (Ledger.Entry e : ledger.done(run)) {
                firstDone.merge(e.event(), e.millis(), Math::min);
            }
        }
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < ledgers.size(); i++) {
            for (Ledger.Entry e : ledgers.get(i).started(run)) {
                if (e.seq() == 1) {
                    continue;
                }
                Long previousDone = firstDone.get(e.orderId() + "/seq-" + (e.seq() - 1));
                if (previousDone == null || previousDone > e.millis()) {
                    violations.add("instance " + i + " started " + e.event() + " at " + e.millis()
                            + " but seq-" + (e.seq() - 1) + " was done at " + previousDone);
                }
            }
        }
        return violations;
    }
}
