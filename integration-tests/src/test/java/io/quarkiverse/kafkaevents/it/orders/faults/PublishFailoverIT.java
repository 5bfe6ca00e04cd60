package io.quarkiverse.kafkaevents.it.orders.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.EventPublisher;
import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Scenario 1: the leader of most partitions is killed ({@code kill -9}) while the application publishes through
 * {@code EventPublisher} ({@code acks=all}, idempotence). Every acknowledged event is on the topic exactly once.
 */
@QuarkusTest
@TestProfile(FaultClusterProfile.class)
class PublishFailoverIT {

    @Inject
    EventPublisher publisher;

    @Test
    void leaderKilledWhilePublishing() throws Exception {
        try (Admin admin = FaultSupport.admin()) {
            FaultSupport.healCluster(admin);
            String run = FaultSupport.run("publish");
            Publishing publishing = Publishing.start(publisher, run, 30, 100, 500);
            publishing.awaitSent(1000, Duration.ofSeconds(30));

            int leader = FaultSupport.busiestLeader(admin);
            Set<String> led = FaultSupport.ledBy(admin, leader);
            int ackedBeforeKill = publishing.acknowledged.size();
            DevBrokerCluster.current().node(leader).kill();

            publishing.await(Duration.ofSeconds(150));
            FaultSupport.TopicContent topic = FaultSupport.read(admin, run);
            Set<String> lost = new HashSet<>(publishing.acknowledged);
            lost.removeAll(topic.placed().keySet());
            FaultSupport.report("publish-leader-kill", "published=" + publishing.total + " acknowledged="
                    + publishing.acknowledged.size() + " (" + ackedBeforeKill + " before the kill of node " + leader
                    + ", leader of " + led + ") failed=" + publishing.failed.get() + " onTopic="
                    + topic.placed().size() + " lost=" + lost.size() + " duplicates=" + topic.duplicates()
                    + " slowestAckSeconds=" + publishing.slowestMillis.get() / 1000.0);

            assertEquals(Set.of(), lost, "acknowledged events missing from the topic");
            assertEquals(0, topic.duplicates(), "events written twice: " + topic.placed());
            // with two replicas of three left in sync, acks=all still succeeds: nothing should fail
            assertEquals(publishing.total, publishing.acknowledged.size(), "failed: " + publishing.failed.get());
            assertTrue(publishing.slowestMillis.get() < 60_000, "an acknowledgement took " + publishing.slowestMillis);

            FaultSupport.healCluster(admin);
        }
    }
}
