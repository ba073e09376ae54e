package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.error.InvalidRequestException;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of OpenAI's chat completion request that a retrieval expert uses (streaming included); other parameters are
 * accepted and ignored.
 * {@code messages} stays a JSON tree so that each malformed message can be named in the error.
 */
public record ChatCompletionRequest(@Nullable String model, @Nullable JsonNode messages, @Nullable Boolean stream,
                                    @Nullable JsonNode streamOptions) {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    String requiredModel() {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("'model' is required");
        }
        return model;
    }

    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether a streaming caller asked for a last chunk with the usage ({@code stream_options.include_usage}). */
    boolean includeUsage() {
        return streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
    }

    /** The conversation as encoder turns, validated against OpenAI's message format. */
    List<ChatTurn> turns() {
        if (messages == null || messages.isNull() || messages.isMissingNode()) {
            throw new InvalidRequestException("'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("'messages' must be a non-empty array");
        }
        List<ChatTurn> turns = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            turns.add(turn(messages.get(i), "messages[" + i + "]"));
        }
        return turns;
    }

    private static ChatTurn turn(JsonNode message, String path) {
        if (!message.isObject()) {
            throw new InvalidRequestException("'" + path + "' must be an object with 'role' and 'content'");
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
            throw new InvalidRequestException("'" + path + ".role' must be one of system, user, assistant, tool");
        }
        return new ChatTurn(role.textValue(), text(message.get("content"), role.textValue(), path + ".content"));
    }

    private static String text(JsonNode content, String role, String path) {
        if (content == null || content.isNull()) {
            // OpenAI allows an assistant message without content when it only carries tool calls.
            if (role.equals("assistant")) {
                return "";
            }
            throw new InvalidRequestException("'" + path + "' is required");
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw new InvalidRequestException("'" + path + "' must be a string or an array of content parts");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            JsonNode type = part.get("type");
            if (!part.isObject() || type == null || !type.isTextual()) {
                throw new InvalidRequestException("'" + partPath + "' must be an object with a string 'type'");
            }
            // Parts other than text (images, audio) mean nothing to a text encoder; they are skipped, not refused.
            if (type.textValue().equals("text")) {
                JsonNode text = part.get("text");
                if (text == null || !text.isTextual()) {
                    throw new InvalidRequestException("'" + partPath + ".text' must be a string");
                }
                texts.add(text.textValue());
            }
        }
        return String.join("\n", texts);
    }
}
