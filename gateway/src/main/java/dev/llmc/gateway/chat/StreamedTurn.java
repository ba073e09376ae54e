package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.registry.Expert;
import reactor.core.publisher.Flux;

/**
 * A turn being streamed: the message id the gateway assigned, the expert whose node is answering, and the node's OpenAI
 * chunks as they arrive (failing with a BROKEN {@code UpstreamException} if the node breaks off).
 */
record StreamedTurn(String messageId, Expert expert, Flux<ObjectNode> chunks) {
}
