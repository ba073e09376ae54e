package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.model.encoder.ChatTurn;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates OpenAI-format chat messages and extracts the text the encoder sees: {@code content} is a string
 * or an array of {@code {"type":"text","text":...}} parts; roles are system, user, assistant and tool.
 */
final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private ChatMessages() {
    }

    /** One chat message: its role and its content, a string or an array of {"type": "text", "text": ...} parts. */
    @Schema(name = "ChatMessage")
    record Message(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"system", "user", "assistant", "tool"})
                   String role, String content) {
    }

    static List<ChatTurn> parse(JsonNode messages) {
        if (messages == null || messages.isNull() || messages.isMissingNode()) {
            throw InvalidRequestException.invalid("'messages' is required: an array of {\"role\",\"content\"} objects");
        }
        if (!messages.isArray()) {
            throw InvalidRequestException.invalid("'messages' must be an array of {\"role\",\"content\"} objects");
        }
        if (messages.isEmpty()) {
            throw InvalidRequestException.invalid("'messages' must not be empty");
        }
        List<ChatTurn> turns = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            turns.add(parseMessage(messages.get(i), "messages[" + i + "]"));
        }
        return turns;
    }

    static void requireLastFromUser(List<ChatTurn> turns) {
        if (!turns.getLast().role().equals("user")) {
            throw InvalidRequestException.invalid("the last message must have role 'user', was '" + turns.getLast().role() + "'");
        }
    }

    private static ChatTurn parseMessage(JsonNode message, String where) {
        if (!message.isObject()) {
            throw InvalidRequestException.invalid(where + " must be an object with 'role' and 'content'");
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual()) {
            throw InvalidRequestException.invalid(where + ".role is required and must be a string");
        }
        if (!ROLES.contains(role.asText())) {
            throw InvalidRequestException.invalid(where + ".role '" + role.asText() + "' is not one of system, user, assistant, tool");
        }
        return new ChatTurn(role.asText(), text(message.get("content"), role.asText(), message.has("tool_calls"), where));
    }

    private static String text(JsonNode content, String role, boolean hasToolCalls, String where) {
        if (content == null || content.isNull()) {
            // OpenAI allows an assistant message that only carries tool calls.
            if (role.equals("assistant") && hasToolCalls) {
                return "";
            }
            throw InvalidRequestException.invalid(where + ".content is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw InvalidRequestException.invalid(where + ".content must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw InvalidRequestException.invalid(where + ".content[" + i + "] must be {\"type\":\"text\",\"text\":\"...\"}");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }
}
