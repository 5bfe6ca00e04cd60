package io.quarkiverse.kafkaevents.deployment.failures;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the health endpoints of the application under test over HTTP, as a platform's probe does.
 */
public final class HealthProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Status code and body of a health endpoint ({@code live}, {@code ready}). */
    public record Answer(int status, String body) {
        public boolean up() {
            return status == 200;
        }
    }

    private HealthProbe() {
    }

    public static Answer get(String endpoint) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port() + "/q/health/" + endpoint)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("health endpoint " + endpoint + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The application's test port: 8081, or the one it picked when {@code quarkus.http.test-port=0}. */
    private static int port() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.test-port", Integer.class).filter(port -> port > 0).orElse(8081);
    }

    /** Waits (at most 30 s) until the endpoint answers with the given state; returns that answer. */
    public static Answer await(String endpoint, boolean up) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Answer answer = get(endpoint);
        while (answer.up() != up && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            answer = get(endpoint);
        }
        if (answer.up() != up) {
            throw new AssertionError("/q/health/" + endpoint + " did not become " + (up ? "UP" : "DOWN") + ": "
                    + answer.body());
        }
        return answer;
    }
}
