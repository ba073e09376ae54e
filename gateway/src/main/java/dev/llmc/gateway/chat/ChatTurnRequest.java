package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One turn to serve: the conversation as the encoder sees it, the OpenAI request to forward, the expert the caller
 * pinned (null: let the controller or the unit's experiment arm choose), the owner of the calling key (the user and
 * conversation ids are the client's, unique only within it), who and which conversation, and whether it replaces the
 * conversation's last reply ({@code "regenerate": true}).
 */
record ChatTurnRequest(List<ChatTurn> conversation, ObjectNode upstreamRequest, @Nullable String pinnedExpert,
                       String owner, String userId, String conversationId, boolean regenerate) {

    OwnedId user() {
        return new OwnedId(owner, userId);
    }

    OwnedId ownedConversation() {
        return new OwnedId(owner, conversationId);
    }
}
