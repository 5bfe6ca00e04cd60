package io.quarkiverse.kafkaevents.deployment.asyncapi;

import java.util.List;

import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.asyncapi.AsyncApiRecorder;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourceBuildItem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.vertx.http.deployment.spi.RouteBuildItem;

/**
 * Serves the AsyncAPI document generated at build time at {@code /q/kafka-events/asyncapi}: always in dev mode, in
 * production and test mode only when {@code quarkus.kafka-events.asyncapi.enabled=true}; only in an application with
 * an HTTP server and at least one event type.
 */
public class AsyncApiEndpointProcessor {

    /** Under the non-application root path ({@code /q} by default). */
    public static final String PATH = "kafka-events/asyncapi";

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void endpoint(AsyncApiEndpointConfig config, LaunchModeBuildItem launchMode, Capabilities capabilities,
            List<EventTypeBuildItem> eventTypes, AsyncApiRecorder recorder, BuildProducer<RouteBuildItem> routes,
            BuildProducer<NativeImageResourceBuildItem> nativeResources) {
        if (eventTypes.isEmpty() || !capabilities.isPresent(Capability.VERTX_HTTP)) {
            return;
        }
        if (launchMode.getLaunchMode() != LaunchMode.DEVELOPMENT && !config.enabled()) {
            return;
        }
        // served from the class path, so a native executable needs the document as a resource
        nativeResources.produce(new NativeImageResourceBuildItem(AsyncApiRecorder.RESOURCE));
        routes.produce(RouteBuildItem.newFrameworkRoute(PATH)
                .withRequestHandler(recorder.handler())
                .displayOnNotFoundPage("Kafka Events AsyncAPI document")
                .build());
    }
}
