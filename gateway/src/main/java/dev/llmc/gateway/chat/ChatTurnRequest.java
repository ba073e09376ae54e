package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One turn to serve: the conversation as the encoder sees it, the OpenAI request to forward, the expert the caller
 * pinned (null: let the controller or the unit's experiment arm choose), who and which conversation, and whether
 * it replaces the conversation's last reply ({@code "regenerate": true}).
 */
record ChatTurnRequest(List<ChatTurn> conversation, ObjectNode upstreamRequest, @Nullable String pinnedExpert,
                       String userId, String conversationId, boolean regenerate) {
}
