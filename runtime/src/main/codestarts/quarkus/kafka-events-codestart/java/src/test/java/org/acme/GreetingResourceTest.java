package org.acme;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.RecordedEvent;
import io.quarkiverse.kafkaevents.test.SessionReport;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GreetingResourceTest {

    @Inject
    EventRecorder recorder;

    @Test
    void aGreetingIsPublishedToKafkaAndHandled() {
        // runs the call, then waits until the handler has committed what it caused (a handler exception or a dead
        // letter fails the test)
        SessionReport report = recorder.track(() -> given().post("/greetings/alice").then().statusCode(202));

        RecordedEvent<GreetingSent> sent = report.events(GreetingSent.class).get(0);
        assertEquals("alice", sent.key());
        assertEquals("GreetingSent", sent.type());
        assertEquals("Hello alice", sent.event().message());

        given().get("/greetings").then().statusCode(200).body("$", hasItem("Hello alice"));
    }
}
