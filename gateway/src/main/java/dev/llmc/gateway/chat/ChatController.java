package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;

/** The gateway's own chat endpoint: one conversation turn in, the routed expert's reply out. */
@RequiresRole(Caller.Role.APP)
@Controller("/chat")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ChatController {
    private static final int MAX_ID_LENGTH = 128;
    private final ChatService chat;
    private final JsonBodyReader json;
    private final ObjectMapper mapper;

    ChatController(ChatService chat, JsonBodyReader json, ObjectMapper mapper) {
        this.chat = chat;
        this.json = json;
        this.mapper = mapper;
    }

    /** Body of {@code POST /chat}; {@code regenerate} replaces the conversation's last reply and records a retry on it. */
    record ChatRequest(String userId, String conversationId, JsonNode messages, @Nullable Boolean regenerate) {
    }

    /** Answer of {@code POST /chat}. */
    record ChatResponse(String messageId, String conversationId, String expert, String reply) {
    }

    @Post
    ChatResponse chat(@Body @Nullable String body) {
        ChatRequest request = json.read(body, ChatRequest.class);
        requireId("user_id", request.userId());
        requireId("conversation_id", request.conversationId());
        boolean regenerate = Boolean.TRUE.equals(request.regenerate());
        List<ChatTurn> turns = ChatMessages.parse(request.messages());
        JsonNode messages = request.messages();
        if (regenerate && turns.size() > 1 && turns.getLast().role().equals("assistant")) {
            // The client may send the reply it wants replaced; the new reply answers the user turn before it.
            turns = turns.subList(0, turns.size() - 1);
            ArrayNode trimmed = mapper.createArrayNode();
            for (int i = 0; i < messages.size() - 1; i++) {
                trimmed.add(messages.get(i));
            }
            messages = trimmed;
        }
        ChatMessages.requireLastFromUser(turns);
        ObjectNode upstream = mapper.createObjectNode();
        upstream.set("messages", messages);
        upstream.put("user", request.userId());
        ChatResult result = chat.complete(new ChatTurnRequest(turns, upstream, null, request.userId(),
                request.conversationId(), regenerate));
        return new ChatResponse(result.messageId(), request.conversationId(), result.expert().name(), result.reply());
    }

    private static void requireId(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("'" + field + "' is required");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw ApiException.invalid("'" + field + "' must be at most " + MAX_ID_LENGTH + " characters");
        }
    }
}
