package dev.llmc.gpunode.embeddings;

import java.util.List;

/** The body of OpenAI's embeddings response. */
public record EmbeddingResponse(String object, List<Item> data, String model, Usage usage) {

    /** One embedding; {@code embedding} is a float array or a base64 string, as the request asked. */
    public record Item(String object, int index, Object embedding) {
    }

    /** Tokens read by the encoder; embeddings have no completion tokens. */
    public record Usage(int promptTokens, int totalTokens) {
    }
}
