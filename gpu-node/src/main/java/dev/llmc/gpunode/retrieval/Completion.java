package dev.llmc.gpunode.retrieval;

/**
 * A retrieval model's answer to a conversation.
 *
 * @param created          epoch seconds
 * @param promptTokens     tokens in all messages of the conversation
 * @param completionTokens tokens in {@code content}
 */
public record Completion(String id, long created, String model, String content, int promptTokens, int completionTokens) {
}
