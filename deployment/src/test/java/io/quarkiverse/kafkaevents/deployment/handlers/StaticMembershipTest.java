package io.quarkiverse.kafkaevents.deployment.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventHandler;
import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * With {@code quarkus.kafka-events.instance-id}, every consumer of the handlers joins its group as a static member
 * whose identity is the instance id and its client id: distinct per consumer, stable across restarts.
 */
public class StaticMembershipTest {

    @EventTopic(value = "beacons", domain = "membership")
    public record BeaconSeen(@PartitionKey String id) {
    }

    public static class Beacons {
        @EventHandler
        void on(BeaconSeen beacon) {
        }
    }

    /** A handler in a group of its own, with a static id set by hand. */
    public static class Audit {
        @EventHandler(group = "membership-audit")
        void on(BeaconSeen beacon) {
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BeaconSeen.class, Beacons.class, Audit.class))
            .overrideConfigKey("quarkus.kafka-events.handlers.\"" + Audit.class.getName() + "#on\".kafka."
                    + "\"group.instance.id\"", "audit-static")
            .overrideConfigKey("quarkus.application.name", "membership-test")
            .overrideConfigKey("quarkus.kafka-events.instance-id", "orders-0")
            .overrideConfigKey("quarkus.kafka-events.concurrency", "2");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void consumersAreStaticMembers() throws Exception {
        assertTwoStaticMembers("test.membership-test", "orders-0.");
    }

    @Test
    void aStaticIdSetByHandIsMadeDistinctPerConsumer() throws Exception {
        // the same id for both consumers of the channel would make them fence each other: one member left
        assertTwoStaticMembers("membership-audit", "audit-static.");
    }

    private void assertTwoStaticMembers(String groupId, String prefix) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> instanceIds = staticMembers(admin, groupId);
            assertEquals(2, instanceIds.size(), "static members: " + instanceIds);
            assertTrue(instanceIds.stream().allMatch(id -> id.startsWith(prefix)), instanceIds.toString());
        }
    }

    /** The static ids of the group's members, once it has two (at most 30 s). */
    private static Set<String> staticMembers(Admin admin, String groupId) throws Exception {
        Set<String> instanceIds = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (instanceIds.size() < 2 && System.nanoTime() < deadline) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get();
            instanceIds.clear();
            for (MemberDescription member : group.members()) {
                member.groupInstanceId().ifPresent(instanceIds::add);
            }
            Thread.sleep(200);
        }
        return instanceIds;
    }
}
