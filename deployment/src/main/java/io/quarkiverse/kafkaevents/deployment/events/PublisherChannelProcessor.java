package io.quarkiverse.kafkaevents.deployment.events;

import io.quarkiverse.kafkaevents.runtime.KafkaEventsRecorder;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;

/**
 * Configures the SmallRye channel the {@code EventPublisher} sends through, as defaults: anything set under
 * {@code mp.messaging.outgoing.kafka-events-publisher.} in {@code application.properties} wins.
 */
public class PublisherChannelProcessor {

    static final String PREFIX = "mp.messaging.outgoing." + KafkaEventPublisher.CHANNEL + ".";

    /**
     * SmallRye logs the channel's configured topic when its producer connects; every record names its own topic, so
     * that line ("is configured to write records to 'kafka-events-unrouted'") is dropped before the channels connect.
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void quietUnroutedTopicLine(KafkaEventsRecorder recorder) {
        recorder.quietUnroutedTopicLine();
    }

    @BuildStep
    void channelDefaults(BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "connector", "smallrye-kafka"));
        // every record names its topic; this one only receives records that somehow do not
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "topic", KafkaEventPublisher.UNROUTED_TOPIC));
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "key.serializer",
                "org.apache.kafka.common.serialization.StringSerializer"));
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "value.serializer",
                "org.apache.kafka.common.serialization.ByteArraySerializer"));
        // ordering and durability first: every in-sync replica acknowledges, retries never reorder or duplicate
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "acks", "all"));
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "enable.idempotence", "true"));
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "max.in.flight.requests.per.connection", "5"));
        // the publisher writes the CloudEvents headers itself, with the CloudEvents SDK
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "cloud-events", "false"));
        // readiness is about this instance: the broker, shared by every instance, is a wellness check
        defaults.produce(new RunTimeConfigurationDefaultBuildItem(PREFIX + "health-readiness-enabled", "false"));
    }
}
