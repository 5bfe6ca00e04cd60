package io.quarkiverse.kafkaevents.deployment.failures;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A retry through a retry topic due 65 s after the failure: the source partition moves on, the retry consumer waits
 * and lives on.
 */
public class LongRetryTopicTest extends LongRetryScenario {

    @RegisterExtension
    static final QuarkusUnitTest app = app("test.long-retry.public.retry-topics", "long-retry-topics-test",
            "retry-topics");

    @Override
    boolean laterRecordsPassTheWaitingOne() {
        return true;
    }
}
