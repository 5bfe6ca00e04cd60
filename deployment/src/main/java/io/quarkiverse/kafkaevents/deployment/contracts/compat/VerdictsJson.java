package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import java.util.Collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The verdicts as the Dev UI and tools read them:
 * {@code {"<type>": {"version": <int>, "verdict": "compatible|breaking|accepted|new", "messages": [...]}}}.
 */
final class VerdictsJson {

    private VerdictsJson() {
    }

    static String of(Collection<Verdict> verdicts) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode all = mapper.createObjectNode();
        for (Verdict verdict : verdicts) {
            ObjectNode one = all.putObject(verdict.type());
            one.put("version", verdict.versionNumber());
            one.put("verdict", verdict.outcome().label());
            ArrayNode messages = one.putArray("messages");
            verdict.messages().forEach(messages::add);
        }
        try {
            return mapper.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
