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

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkiverse.kafkaevents.test.DeadLetter;
import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.HandlerFailure;
import io.quarkiverse.kafkaevents.test.SessionReport;
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

    @Inject
    EventRecorder recorder;

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
        String[] requested = new String[1];
        // returns once the request went through both retry topics (their retry group committed) to its dead letter
        SessionReport report = recorder.session().timeout(Duration.ofSeconds(60)).quietFor(Duration.ofMillis(300))
                .expectFailures().expectDeadLetters()
                .run(() -> requested[0] = given().when().post("/orders/o-retry/payments?amountCents=0")
                        .then().statusCode(202).extract().path("paymentId"));
        String paymentId = requested[0];
        String payments = "test.sales.public.payments";
        List<DeadLetter> dead = report.deadLetters().stream().filter(d -> paymentId.equals(d.key())).toList();
        assertEquals(1, dead.size(), "dead letters of payment " + paymentId + ": " + report);
        assertTrue(dead.get(0).reason().contains("has no amount"), dead.get(0).reason());
        assertEquals(List.of(1, 2, 3), report.failures().stream().map(HandlerFailure::attempt).toList());
        assertEquals(1, committed(payments + ".retry-1", paymentId).size(), "retry-1 records");
        assertEquals(1, committed(payments + ".retry-2", paymentId).size(), "retry-2 records");
        assertEquals(List.of(), report.events(PaymentCaptured.class), "captures");
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
