package io.quarkiverse.kafkaevents.deployment.asyncapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * With {@code quarkus.kafka-events.asyncapi.enabled=true} a test-mode application serves its build-time AsyncAPI
 * document as JSON at {@code /q/kafka-events/asyncapi}: the same document as the class-path resource.
 */
public class AsyncApiEndpointEnabledTest {

    @EventTopic(value = "endpoint-invoices", pluralize = false)
    public record InvoiceIssued(String number) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(InvoiceIssued.class))
            .overrideConfigKey("quarkus.application.name", "asyncapi-enabled-test")
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.kafka-events.asyncapi.enabled", "true");

    @TestHTTPResource("/q/kafka-events/asyncapi")
    URL asyncApi;

    @Test
    void servesTheBuildTimeDocument() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(asyncApi.toString())).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode served = new ObjectMapper().readTree(response.body());
        assertEquals("3.0.0", served.at("/asyncapi").asText(), response.body());
        assertTrue(served.at("/channels").has("test.asyncapi-enabled-test.public.endpoint-invoices"), response.body());
        byte[] resource;
        try (var in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("META-INF/kafka-events/asyncapi.json")) {
            resource = in.readAllBytes();
        }
        assertEquals(new ObjectMapper().readTree(resource), served, "the served document is the build's");
    }
}
