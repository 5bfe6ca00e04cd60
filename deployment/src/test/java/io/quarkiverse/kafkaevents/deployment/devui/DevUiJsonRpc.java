package io.quarkiverse.kafkaevents.deployment.devui;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A minimal client of the Dev UI's JSON-RPC websocket ({@code /q/dev-ui/json-rpc-ws}): sends JSON-RPC 2.0 requests
 * and hands back the response with the same id (the Dev UI wraps results as {@code {"messageType": ..., "object":
 * ...}}). Public: the outbox tests use it too.
 */
public final class DevUiJsonRpc implements AutoCloseable {

    /** A JSON-RPC error response. */
    public static final class JsonRpcError extends RuntimeException {
        JsonRpcError(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;

    public DevUiJsonRpc(int port) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://localhost:" + port + "/q/dev-ui/json-rpc-ws"), new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Calls {@code method} (with its namespace) and returns the {@code object} of the result. */
    public JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        String request = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
        socket.sendText(request, true).get(10, TimeUnit.SECONDS);
        JsonNode message = response.get(60, TimeUnit.SECONDS);
        if (message.hasNonNull("error")) {
            throw new JsonRpcError(message.get("error").path("message").asText());
        }
        return message.get("result").get("object");
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode node = JSON.readTree(message);
                    CompletableFuture<JsonNode> response = node.has("id") ? pending.remove(node.get("id").asInt())
                            : null;
                    if (response != null) {
                        response.complete(node);
                    }
                } catch (Exception e) {
                    pending.values().forEach(p -> p.completeExceptionally(e));
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
