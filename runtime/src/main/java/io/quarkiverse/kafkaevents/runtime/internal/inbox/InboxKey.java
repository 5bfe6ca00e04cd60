package io.quarkiverse.kafkaevents.runtime.internal.inbox;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * What an inbox handler claims an event by: the value of a record header ({@code inbox-key-header}), or of a field
 * of the event ({@code inbox-key-field}, a property name or a dotted path into nested objects), when the handler names
 * one and the event has it; else its CloudEvents id; for a plain JSON record (no id), where it was first written.
 */
record InboxKey(String header, JsonPointer field) {

    static final InboxKey ID = new InboxKey(null, null);

    /** {@code a.b.c} as the pointer {@code /a/b/c}. */
    static InboxKey of(String header, String field) {
        return new InboxKey(header, field == null ? null : JsonPointer.compile("/" + field.replace('.', '/')));
    }

    String of(Object event, EventContext context, ObjectMapper mapper) {
        if (header != null) {
            String key = context.headers().get(header);
            if (key != null && !key.isEmpty()) {
                return key;
            }
        }
        if (field != null && event != null) {
            // the event as Jackson writes it (its JSON names): the same view the publisher had of it
            JsonNode value = mapper.valueToTree(event).at(field);
            if (!value.isMissingNode() && !value.isNull() && !value.isContainerNode()) {
                String key = value.asText();
                if (!key.isEmpty()) {
                    return key;
                }
            }
        }
        String id = context.id();
        if (id != null && !id.isEmpty()) {
            return id;
        }
        return "kafka:" + context.topic() + "/" + context.partition() + "/" + context.offset();
    }
}
