package dev.llmc.gpunode.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.error.InvalidRequestException;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of OpenAI's {@code POST /v1/embeddings}; {@code input} stays a JSON tree because it is a string or an array.
 *
 * @param input          one text or an array of texts
 * @param model          accepted for client compatibility; this node serves one encoder whatever is asked for
 * @param encodingFormat {@code float} (default) or {@code base64}
 */
public record EmbeddingRequest(@Nullable JsonNode input, @Nullable String model, @Nullable String encodingFormat) {

    /** OpenAI's own limit on the number of inputs per request. */
    static final int MAX_INPUTS = 2048;

    /** The texts to embed, validated: 1 to {@value #MAX_INPUTS} non-empty strings. */
    List<String> texts() {
        if (input == null || input.isNull() || input.isMissingNode()) {
            throw new InvalidRequestException("'input' is required");
        }
        if (input.isTextual()) {
            return List.of(nonEmpty(input.textValue(), "'input'"));
        }
        if (!input.isArray()) {
            throw new InvalidRequestException("'input' must be a string or an array of strings");
        }
        if (input.isEmpty() || input.size() > MAX_INPUTS) {
            throw new InvalidRequestException("'input' must hold 1 to " + MAX_INPUTS + " strings, got " + input.size());
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isTextual()) {
                // Token-id arrays are valid for OpenAI but meaningless for a different tokenizer.
                throw new InvalidRequestException("'input[" + i + "]' must be a string");
            }
            texts.add(nonEmpty(item.textValue(), "'input[" + i + "]'"));
        }
        return texts;
    }

    EncodingFormat format() {
        return EncodingFormat.parse(encodingFormat);
    }

    private static String nonEmpty(String text, String field) {
        if (text.isEmpty()) {
            throw new InvalidRequestException(field + " must not be empty");
        }
        return text;
    }
}
