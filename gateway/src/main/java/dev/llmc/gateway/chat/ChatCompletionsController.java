package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.api.JsonBodyReader;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;

/**
 * OpenAI-compatible chat completions: {@code model: "auto"} lets the controller choose, an expert's name pins
 * it. Parameters the gateway does not use pass through to the node; the reply's {@code model} is the expert
 * and its {@code id} the gateway's message id.
 */
@RequiresRole(Caller.Role.APP)
@Controller("/v1/chat/completions")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ChatCompletionsController {
    static final String AUTO = "auto";
    static final String CONVERSATION_HEADER = "X-Conversation-Id";
    private final ChatService chat;
    private final JsonBodyReader json;

    ChatCompletionsController(ChatService chat, JsonBodyReader json) {
        this.chat = chat;
        this.json = json;
    }

    @Post
    HttpResponse<ObjectNode> complete(@Body @Nullable String body) {
        ObjectNode request = json.readObject(body);
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiException.invalid("'model' is required: 'auto' or the name of an expert (GET /v1/models)");
        }
        if (request.path("stream").asBoolean(false)) {
            throw ApiException.invalid("'stream': true is not supported yet; send the request without streaming");
        }
        List<ChatTurn> turns = ChatMessages.parse(request.get("messages"));
        String conversationId = conversationId(request.get("metadata"));

        ObjectNode upstream = request.deepCopy();
        // metadata is the gateway's (conversation id); nodes such as vLLM need not understand it.
        upstream.remove("metadata");
        String pinned = AUTO.equals(model.asText()) ? null : model.asText();
        ChatResult result = chat.complete(new ChatTurnRequest(turns, upstream, pinned, userId(request.get("user"), conversationId),
                conversationId, false));

        ObjectNode completion = result.completion();
        completion.put("id", result.messageId());
        completion.put("model", result.expert().name());
        return HttpResponse.ok(completion).header(CONVERSATION_HEADER, conversationId);
    }

    /**
     * OpenAI's {@code user} names the end user (the unit of user-level experiments); without it the conversation
     * stands in for the user.
     */
    private static String userId(@Nullable JsonNode user, String conversationId) {
        if (user == null || user.isNull()) {
            return conversationId;
        }
        if (!user.isTextual() || user.asText().isBlank() || user.asText().length() > 128) {
            throw ApiException.invalid("'user' must be a non-empty string of at most 128 characters");
        }
        return user.asText();
    }

    /** {@code metadata.conversation_id} when given; otherwise each request is its own conversation. */
    private static String conversationId(@Nullable JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return ChatService.newId("conv_");
        }
        if (!metadata.isObject()) {
            throw ApiException.invalid("'metadata' must be an object");
        }
        JsonNode id = metadata.get("conversation_id");
        if (id == null || id.isNull()) {
            return ChatService.newId("conv_");
        }
        if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 128) {
            throw ApiException.invalid("'metadata.conversation_id' must be a non-empty string of at most 128 characters");
        }
        return id.asText();
    }
}
