package dev.llmc.gpunode.embeddings;

import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.SentenceEncoder;
import jakarta.inject.Singleton;

import java.util.List;

/** Embeds texts with the node's sentence encoder and counts their tokens for {@code usage}. */
@Singleton
public class EmbeddingService {

    private final SentenceEncoder encoder;
    private final MiniLmTokenizer tokenizer;

    public EmbeddingService(SentenceEncoder encoder, MiniLmTokenizer tokenizer) {
        this.encoder = encoder;
        this.tokenizer = tokenizer;
    }

    /** The model {@code /v1/embeddings} reports: the encoder's id, which a gateway checks against its own setting. */
    public String encoderId() {
        return encoder.id();
    }

    public Embeddings embed(List<String> texts) {
        int tokens = texts.stream().mapToInt(tokenizer::countTokens).sum();
        return new Embeddings(encoder.embed(texts), tokens);
    }
}
