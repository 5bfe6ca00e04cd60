package io.quarkiverse.kafkaevents.deployment.contracts;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the AsyncAPI 3.0 document of one service: a channel per topic (the event topics, their dead-letter and retry
 * topics), a message per event type (its JSON Schema as payload, its key, its CloudEvents attributes), a {@code send}
 * operation per type the service publishes, a {@code receive} operation per type and consumer group it handles, and a
 * {@code send} operation per dead-letter and retry topic its handlers write to.
 */
final class AsyncApiDocument {

    /** Kafka binding version of the AsyncAPI bindings specification. */
    private static final String KAFKA_BINDING = "0.5.0";

    /**
     * One event type as the document shows it.
     *
     * @param type the CloudEvents type
     * @param topic its topic, as named for the build's profile
     * @param format {@code binary}, {@code structured} or {@code plain}
     * @param key what the record key is made of ({@code @PartitionKey} members), empty for no key
     * @param schema its JSON Schema
     * @param published whether the service publishes it
     * @param groups the consumer groups of the service's handlers of it (empty: not handled)
     * @param deadLetterTopic the dead-letter topic its handlers write to, {@code null} for none
     * @param retryTopics the retry topics its handlers write to
     */
    record Type(String type, String topic, String format, List<String> key, JsonNode schema, boolean published,
            SortedSet<String> groups, String deadLetterTopic, List<String> retryTopics) {
    }

    private AsyncApiDocument() {
    }

    static ObjectNode of(String title, String version, String profile, String source, SortedMap<String, Type> types,
            Map<String, TopicBindings> bindings) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode doc = json.objectNode();
        doc.put("asyncapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", title);
        info.put("version", version);
        info.put("description", "The events " + title + " publishes and handles, generated at build time by Kafka"
                + " Events for Quarkus; topic names as configured for the '" + profile + "' profile.");
        doc.put("defaultContentType", "application/json");
        ObjectNode channels = doc.putObject("channels");
        ObjectNode operations = doc.putObject("operations");
        ObjectNode components = doc.putObject("components");
        ObjectNode messages = components.putObject("messages");
        ObjectNode traits = components.putObject("messageTraits");
        for (Type type : types.values()) {
            String id = type.type();
            messages.set(id, message(type, source, traits));
            // one channel per topic (its name is a valid id), with the messages of every type on it
            String topic = type.topic();
            TopicBindings topicBindings = bindings.get(topic);
            channel(channels, topic, id, "Events of " + title + " on topic " + topic + ".", topicBindings);
            if (type.published()) {
                operation(operations, "send-" + id, "send", topic, id, null, id + " is published by " + title + ".");
            }
            for (String group : type.groups()) {
                operation(operations, "receive-" + id + "-" + group, "receive", topic, id, group,
                        id + " is handled by " + title + " in consumer group " + group + ".");
            }
            if (type.deadLetterTopic() != null) {
                String dlt = type.deadLetterTopic();
                channel(channels, dlt, id, "Records of " + topic + " that the handlers of " + title
                        + " could not handle, with their reason in the kafka-events-* headers.",
                        topicBindings == null ? null : topicBindings.derived());
                operation(operations, "dead-letter-" + id, "send", dlt, id, null,
                        "Records of " + id + " whose handling failed are written to the dead-letter topic.");
            }
            for (int i = 0; i < type.retryTopics().size(); i++) {
                String retry = type.retryTopics().get(i);
                channel(channels, retry, id, "Retry " + (i + 1) + " of records of " + topic + ".",
                        topicBindings == null ? null : topicBindings.derived());
                operation(operations, "retry-" + (i + 1) + "-" + id, "send", retry, id, null,
                        "Records of " + id + " whose handling failed wait for their retry " + (i + 1) + " here.");
                for (String group : type.groups()) {
                    operation(operations, "receive-retry-" + (i + 1) + "-" + id + "-" + group, "receive", retry, id,
                            group + "-retry", "Retries of " + id + " are consumed by " + title + ".");
                }
            }
        }
        return doc;
    }

    /**
     * The channel of a topic (created at its first message, with its Kafka binding when known), with a reference to
     * the message.
     */
    private static void channel(ObjectNode channels, String topic, String message, String description,
            TopicBindings bindings) {
        ObjectNode channel = (ObjectNode) channels.get(topic);
        if (channel == null) {
            channel = channels.putObject(topic);
            channel.put("address", topic);
            channel.put("description", description);
            channel.putObject("messages");
            if (bindings != null) {
                channel.putObject("bindings").set("kafka", bindings.binding(topic, KAFKA_BINDING));
            }
        }
        ((ObjectNode) channel.get("messages")).putObject(message).put("$ref", "#/components/messages/" + message);
    }

    private static void operation(ObjectNode operations, String id, String action, String channel, String message,
            String group, String description) {
        ObjectNode operation = operations.putObject(id);
        operation.put("action", action);
        operation.put("description", description);
        operation.putObject("channel").put("$ref", "#/channels/" + channel);
        operation.putArray("messages").addObject().put("$ref", "#/channels/" + channel + "/messages/" + message);
        if (group != null) {
            ObjectNode kafka = operation.putObject("bindings").putObject("kafka");
            kafka.putObject("groupId").put("type", "string").putArray("enum").add(group);
            kafka.put("bindingVersion", KAFKA_BINDING);
        }
    }

    private static ObjectNode message(Type type, String source, ObjectNode traits) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode message = json.objectNode();
        message.put("name", type.type());
        message.put("title", type.type());
        ObjectNode payload = type.schema().deepCopy();
        payload.remove("$schema");
        switch (type.format()) {
            case "structured" -> {
                message.put("contentType", "application/cloudevents+json");
                message.put("summary", "A structured CloudEvent of type " + type.type() + ", source " + source
                        + ", with the event as its data.");
                ObjectNode envelope = json.objectNode().put("type", "object");
                ObjectNode properties = envelope.putObject("properties");
                properties.putObject("specversion").put("const", "1.0");
                properties.putObject("id").put("type", "string");
                properties.putObject("source").put("const", source);
                properties.putObject("type").put("const", type.type());
                properties.putObject("time").put("type", "string").put("format", "date-time");
                properties.putObject("subject").put("type", "string");
                properties.putObject("datacontenttype").put("const", "application/json");
                properties.set("data", payload);
                envelope.putArray("required").add("specversion").add("id").add("source").add("type").add("data");
                message.set("payload", envelope);
            }
            case "plain" -> {
                message.put("contentType", "application/json");
                message.put("summary", "The JSON of " + type.type() + ", without CloudEvents attributes.");
                message.set("payload", payload);
            }
            default -> {
                message.put("contentType", "application/json");
                message.put("summary", "A binary CloudEvent of type " + type.type() + ", source " + source
                        + ": the attributes in ce_* headers, the event's JSON as value.");
                message.set("payload", payload);
                String trait = "cloudevents-binary-" + type.type();
                traits.set(trait, binaryTrait(type.type(), source));
                message.putArray("traits").addObject().put("$ref", "#/components/messageTraits/" + trait);
            }
        }
        ObjectNode kafka = message.putObject("bindings").putObject("kafka");
        ObjectNode key = kafka.putObject("key");
        if (type.key().isEmpty()) {
            key.put("type", "null");
            key.put("description", "No key: the type has no @PartitionKey.");
        } else {
            key.put("type", "string");
            key.put("description", "The record key: " + String.join(", ", type.key())
                    + (type.key().size() > 1 ? ", joined by ':'" : "") + ".");
        }
        kafka.put("bindingVersion", KAFKA_BINDING);
        return message;
    }

    /** The {@code ce_*} headers of the CloudEvents Kafka binding (binary content mode). */
    private static ObjectNode binaryTrait(String type, String source) {
        ObjectNode trait = JsonNodeFactory.instance.objectNode();
        trait.put("summary", "CloudEvents binary content mode");
        ObjectNode headers = trait.putObject("headers").put("type", "object");
        ObjectNode properties = headers.putObject("properties");
        for (Map.Entry<String, String> header : Map.of("ce_specversion", "1.0", "ce_source", source, "ce_type", type,
                "content-type", "application/json").entrySet()) {
            properties.putObject(header.getKey()).put("type", "string").put("const", header.getValue());
        }
        properties.putObject("ce_id").put("type", "string");
        properties.putObject("ce_time").put("type", "string").put("format", "date-time");
        properties.putObject("ce_subject").put("type", "string");
        ArrayNode required = headers.putArray("required");
        required.add("ce_specversion").add("ce_id").add("ce_source").add("ce_type");
        return trait;
    }
}
