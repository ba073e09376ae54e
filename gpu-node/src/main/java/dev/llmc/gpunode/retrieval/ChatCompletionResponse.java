package dev.llmc.gpunode.retrieval;

import java.util.List;

/** The body of OpenAI's non-streaming chat completion response. */
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    /** One generated reply; a retrieval expert always gives exactly one. */
    public record Choice(int index, Message message, String finishReason) {
    }

    /** A chat message with plain-text content. */
    public record Message(String role, String content) {
    }

    /** Token counts by the encoder's tokenizer, which is the only tokenizer a retrieval expert has. */
    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    }
}
