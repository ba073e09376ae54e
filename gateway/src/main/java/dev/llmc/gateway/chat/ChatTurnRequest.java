package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One turn to serve: the conversation as the encoder sees it, the OpenAI request to forward, the expert the caller
 * pinned (null: let the controller or the unit's experiment arm choose), the calling key (its rate limits; its owner
 * scopes the user and conversation ids, which are the client's, unique only within it), who and which conversation,
 * and whether it replaces the conversation's last reply ({@code "regenerate": true}).
 */
record ChatTurnRequest(List<ChatTurn> conversation, ObjectNode upstreamRequest, @Nullable String pinnedExpert,
                       Caller caller, String userId, String conversationId, boolean regenerate) {

    String owner() {
        return caller.owner();
    }

    OwnedId user() {
        return new OwnedId(owner(), userId);
    }

    OwnedId ownedConversation() {
        return new OwnedId(owner(), conversationId);
    }
}
