package io.quarkiverse.kafkaevents.test;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Before each {@code @QuarkusTest} method: the {@link EventRecorder} takes the current end of the application's
 * topics as its baseline, so a test never sees the records of an earlier one. Registered as a service; nothing to do
 * for the user.
 */
public class FreshPositions implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        ArcContainer container = Arc.container();
        if (container == null || !container.isRunning()) {
            return;
        }
        InstanceHandle<EventRecorder> recorder = container.instance(EventRecorder.class);
        if (recorder.isAvailable()) {
            recorder.get().reset();
        }
    }
}
