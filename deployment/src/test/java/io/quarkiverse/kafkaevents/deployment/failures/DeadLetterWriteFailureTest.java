package io.quarkiverse.kafkaevents.deployment.failures;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * When the dead-letter record cannot be written, the failed record is not acknowledged, so its offset is never
 * committed: it will be delivered again.
 */
public class DeadLetterWriteFailureTest extends WriteFailureScenario {

    static final String TOPIC = "test.dlt-failure.public.transfers";
    static final String GROUP = "dlt-failure-test";

    @RegisterExtension
    static final QuarkusUnitTest app = app(TOPIC, GROUP, "none");

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    String refusedTopic() {
        return TOPIC + ".dead-letter";
    }

    @Override
    String group() {
        return GROUP;
    }
}
