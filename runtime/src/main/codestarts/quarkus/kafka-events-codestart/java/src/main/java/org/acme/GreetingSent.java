package org.acme;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;

/** An integration event: published as a CloudEvent of type GreetingSent, keyed by the name. */
@EventTopic(value = "greetings", domain = "greetings")
public record GreetingSent(@PartitionKey String name, String message) {
}
