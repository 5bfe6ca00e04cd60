package io.quarkiverse.kafkaevents.deployment.failures;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * An in-process retry 65 s after the failure: the partition waits, the consumer lives on.
 */
public class LongInProcessRetryTest extends LongRetryScenario {

    @RegisterExtension
    static final QuarkusUnitTest app = app("test.long-retry.public.in-process", "long-in-process-test", "in-process");

    @Override
    boolean laterRecordsPassTheWaitingOne() {
        return false;
    }
}
