package dev.llmc.gpunode.retrieval;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.MiniLmTokenizer;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A retrieval model's answer to a conversation.
 *
 * @param created          epoch seconds
 * @param promptTokens     tokens in all messages of the conversation
 * @param completionTokens tokens in {@code content}
 */
public record Completion(String id, long created, String model, String content, int promptTokens, int completionTokens) {

    /** A new completion of the model answering the conversation, usage counted with the encoder's tokenizer. */
    public static Completion answer(String model, String content, List<ChatTurn> conversation, MiniLmTokenizer tokenizer) {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        int promptTokens = conversation.stream().mapToInt(turn -> tokenizer.countTokens(turn.text())).sum();
        return new Completion("chatcmpl-" + HexFormat.of().formatHex(random), Instant.now().getEpochSecond(), model,
                content, promptTokens, tokenizer.countTokens(content));
    }
}
