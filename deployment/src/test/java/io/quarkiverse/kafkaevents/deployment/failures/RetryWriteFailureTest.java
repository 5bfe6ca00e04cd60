package io.quarkiverse.kafkaevents.deployment.failures;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * In mode retry-topics, when the retry record cannot be written, the failed record is not acknowledged, so its offset
 * is never committed: it will be delivered again.
 */
public class RetryWriteFailureTest extends WriteFailureScenario {

    static final String TOPIC = "test.retry-failure.public.transfers";
    static final String GROUP = "retry-failure-test";

    @RegisterExtension
    static final QuarkusUnitTest app = app(TOPIC, GROUP, "retry-topics");

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    String refusedTopic() {
        return TOPIC + ".retry-1";
    }

    @Override
    String group() {
        return GROUP;
    }
}
