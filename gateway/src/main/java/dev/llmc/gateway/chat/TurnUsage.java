package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.model.encoder.ChatTurn;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tokens one chat turn is charged to its key: the {@code usage.total_tokens} its expert node reported, else (a node
 * that reports none, or a reply cut short before its usage came) an estimate of characters / 4, each rounded up, of the
 * prompt's text and of the reply's text so far (content and tool-call arguments).
 */
final class TurnUsage {
    private final long promptEstimate;
    private final AtomicLong replyCharacters = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();

    TurnUsage(List<ChatTurn> conversation) {
        long characters = 0;
        for (ChatTurn turn : conversation) {
            characters += characters(turn.text());
        }
        this.promptEstimate = estimate(characters);
    }

    /** The prompt's estimated tokens, which a reservation counts before any reply exists. */
    long promptEstimate() {
        return promptEstimate;
    }

    /**
     * The completion tokens the request allows ({@code max_completion_tokens}, else {@code max_tokens}) when it says;
     * a value that is not a positive integer is the node's to refuse.
     */
    static OptionalLong maxCompletionTokens(ObjectNode request) {
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode value = request.get(field);
            if (value != null && value.isIntegralNumber() && value.canConvertToLong() && value.asLong() > 0) {
                return OptionalLong.of(value.asLong());
            }
        }
        return OptionalLong.empty();
    }

    /** Counts a whole chat completion: its usage, else its messages' text. */
    void countCompletion(ObjectNode completion) {
        countUsage(completion.get("usage"));
        for (JsonNode choice : completion.path("choices")) {
            countText(choice.path("message"));
        }
    }

    /** Counts one stream chunk: a usage it carries (the last chunk, when asked), else its deltas' text. */
    void countChunk(ObjectNode chunk) {
        countUsage(chunk.get("usage"));
        for (JsonNode choice : chunk.path("choices")) {
            countText(choice.path("delta"));
        }
    }

    /** The tokens to charge: as the node reported, else the estimate of the prompt and the reply so far. */
    long used() {
        long total = reported.get();
        return total > 0 ? total : promptEstimate + estimate(replyCharacters.get());
    }

    private void countUsage(JsonNode usage) {
        JsonNode total = usage == null ? null : usage.get("total_tokens");
        if (total != null && total.canConvertToLong() && total.asLong() > 0) {
            reported.set(total.asLong());
        }
    }

    private void countText(JsonNode message) {
        long characters = characters(message.path("content").asText(""));
        for (JsonNode call : message.path("tool_calls")) {
            characters += characters(call.path("function").path("arguments").asText(""));
        }
        if (characters > 0) {
            replyCharacters.addAndGet(characters);
        }
    }

    private static long characters(String text) {
        return text.codePointCount(0, text.length());
    }

    /** Characters / 4, rounded up: about a token per four characters of English text. */
    private static long estimate(long characters) {
        return (characters + 3) / 4;
    }
}
