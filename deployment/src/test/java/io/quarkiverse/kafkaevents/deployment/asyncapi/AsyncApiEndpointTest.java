package io.quarkiverse.kafkaevents.deployment.asyncapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * Outside dev mode the AsyncAPI document is not served unless {@code quarkus.kafka-events.asyncapi.enabled} is on: a
 * test-mode application with an HTTP server and an event type answers 404 at {@code /q/kafka-events/asyncapi}
 * ({@link AsyncApiEndpointEnabledTest} turns it on; the dev-mode endpoint is checked by the Dev UI browser test).
 */
public class AsyncApiEndpointTest {

    @EventTopic(value = "endpoint-parcels", pluralize = false)
    public record ParcelShipped(String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ParcelShipped.class))
            .overrideConfigKey("quarkus.application.name", "asyncapi-endpoint-test")
            .overrideConfigKey("quarkus.http.test-port", "0");

    @TestHTTPResource("/q/kafka-events/asyncapi")
    URL asyncApi;

    @Test
    void notServedUnlessEnabled() throws Exception {
        HttpResponse<String> response = get(asyncApi);
        assertEquals(404, response.statusCode(), response.body());
    }

    private static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
