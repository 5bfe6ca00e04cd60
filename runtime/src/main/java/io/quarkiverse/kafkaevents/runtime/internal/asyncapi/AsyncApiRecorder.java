package io.quarkiverse.kafkaevents.runtime.internal.asyncapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.quarkus.runtime.annotations.Recorder;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The handler of {@code /q/kafka-events/asyncapi}: the AsyncAPI document the build generated (the class-path resource
 * {@code META-INF/kafka-events/asyncapi.json}), read once when the application starts and served as JSON.
 */
@Recorder
public class AsyncApiRecorder {

    /** Where the build puts the document. */
    public static final String RESOURCE = "META-INF/kafka-events/asyncapi.json";

    public Handler<RoutingContext> handler() {
        Buffer document = read();
        return rc -> {
            if (document == null) {
                rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=UTF-8")
                        .end("No AsyncAPI document: the build found no event type (no " + RESOURCE + ")");
                return;
            }
            rc.response().putHeader("Content-Type", "application/json").end(document);
        };
    }

    private static Buffer read() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            return in == null ? null : Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
    }
}
