package io.quarkiverse.kafkaevents.it.orders;

import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitCheck;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitMetric;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.awaitStatus;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.header;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.metric;
import static io.quarkiverse.kafkaevents.it.orders.SampleClient.placeOrder;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.quarkus.test.kafka.KafkaCompanionResource;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The sample service built with {@code quarkus.kafka-events.failure.mode=retry-topics}: an order whose first handling
 * fails (a remote warehouse timeout) goes through {@code test.sales.public.orders.retry-1} and is confirmed; the retry
 * topics show in the readiness check, the retry in the metrics.
 */
@QuarkusTest
@TestProfile(RetryTopicsModeTest.RetryTopics.class)
@QuarkusTestResource(KafkaCompanionResource.class)
class RetryTopicsModeTest {

    static final String TOPIC = "test.sales.public.orders";

    public static class RetryTopics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.kafka-events.failure.mode", "retry-topics",
                    "quarkus.kafka-events.failure.retry.initial-backoff", "300ms");
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void transientFailureIsRetriedThroughARetryTopic() {
        double retriesBefore = metric("kafka_events_retries_total", "type=\"OrderPlaced\"");
        String id = placeOrder(OrderEvents.REMOTE_ITEM_PREFIX + "grinder", 1);
        awaitStatus(id, "CONFIRMED");

        List<ConsumerRecord<String, String>> retried = companion.consumeStrings().fromTopics(TOPIC + ".retry-1")
                .awaitRecords(1, Duration.ofSeconds(30)).getRecords().stream()
                .filter(r -> id.equals(r.key())).toList();
        assertEquals(1, retried.size(), "retry records of order " + id);
        ConsumerRecord<String, String> retry = retried.get(0);
        assertEquals("OrderPlaced", header(retry, "ce_type"));
        assertEquals(TOPIC, header(retry, "kafka-events-retry-original-topic"));
        assertEquals("test.orders-service", header(retry, "kafka-events-retry-group"));
        assertEquals("1", header(retry, "kafka-events-retry-attempts"));
        assertTrue(retry.value().contains("\"orderId\":\"" + id + "\""), retry.value());

        // the handler saw the order's own topic on its second attempt
        List<Map<String, Object>> handled = given().get("/orders/events").then()
                .statusCode(200).extract().jsonPath().getList("findAll { it.key == '" + id + "' }");
        assertEquals(1, handled.size(), handled.toString());
        assertEquals(TOPIC, handled.get(0).get("topic"));

        awaitMetric("kafka_events_retries_total", retriesBefore + 1, "type=\"OrderPlaced\"",
                "group=\"test.orders-service\"");
    }

    /**
     * A handler in a Kafka transaction in retry-topics mode: a payment without an amount fails every attempt; its retry
     * records and its dead letter are written in the transactions of the payments channel and of its retry channel,
     * with their offsets, and nothing is captured.
     */
    @Test
    void aFailingPaymentMovesThroughRetryTopicsInKafkaTransactions() {
        String paymentId = given().when().post("/orders/o-retry/payments?amountCents=0")
                .then().statusCode(202).extract().path("paymentId");
        String payments = "test.sales.public.payments";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, String>> dead = committed(payments + ".dead-letter", paymentId);
        while (dead.isEmpty() && System.nanoTime() < deadline) {
            SampleClient.sleep(300);
            dead = committed(payments + ".dead-letter", paymentId);
        }
        assertEquals(1, dead.size(), "dead letters of payment " + paymentId);
        assertTrue(header(dead.get(0), "kafka-events-dlt-reason").contains("has no amount"),
                header(dead.get(0), "kafka-events-dlt-reason"));
        assertEquals(1, committed(payments + ".retry-1", paymentId).size(), "retry-1 records");
        assertEquals(1, committed(payments + ".retry-2", paymentId).size(), "retry-2 records");
        assertEquals(List.of(), committed("test.sales.public.payment-captures", paymentId), "captures");
    }

    private static List<ConsumerRecord<String, String>> committed(String topic, String key) {
        return SampleClient.recordsOf(topic, key, null, "read_committed");
    }

    @Test
    void healthListsTheRetryTopicsAndTheirConsumers() {
        Map<String, Object> check = awaitCheck("/q/health/well", "kafka-events-broker", "UP");
        @SuppressWarnings("unchecked")
        Map<String, String> data = (Map<String, String>) check.get("data");
        // the handler with the most attempts on the orders topic decides: OrderCancelled has 5 (OrderPlaced's 4), so
        // four retry topics, each with the orders topic's 3 partitions
        for (int n = 1; n <= 4; n++) {
            assertEquals("3 partitions", data.get("topic." + TOPIC + ".retry-" + n), data.toString());
        }
        assertTrue(data.keySet().stream().noneMatch(k -> k.equals("topic." + TOPIC + ".retry-5")), data.toString());
        // the retry channel's consumers share the 4 x 3 retry partitions
        @SuppressWarnings("unchecked")
        Map<String, String> ready = (Map<String, String>) awaitCheck("/q/health/ready", "UP").get("data");
        data = ready;
        assertTrue(data.entrySet().stream().anyMatch(e -> e.getKey().startsWith("consumers.kafka-events-orders-")
                && e.getKey().endsWith("-retry") && e.getValue().startsWith("12 partitions assigned")), data.toString());
    }
}
