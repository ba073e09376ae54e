package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.registry.Expert;

/** A served turn: the message id the gateway assigned, the expert that answered and its chat completion. */
record ChatResult(String messageId, Expert expert, ObjectNode completion) {

    /** The assistant's reply text (empty when the node sent none, e.g. only tool calls). */
    String reply() {
        return completion.path("choices").path(0).path("message").path("content").asText("");
    }
}
