package dev.llmc.model.encoder;

import java.util.List;

/** e(C): formats a conversation with {@link ConversationFormatter} and embeds it with a {@link SentenceEncoder}. */
public final class ConversationEncoder {

    private final ConversationFormatter formatter;
    private final SentenceEncoder encoder;

    public ConversationEncoder(ConversationFormatter formatter, SentenceEncoder encoder) {
        this.formatter = formatter;
        this.encoder = encoder;
    }

    /** Returns e(C), a unit vector of {@link #dimension()} floats. */
    public float[] encode(List<ChatTurn> turns) {
        // The static encoder only sums token vectors: give it the formatter's tokens rather than text to tokenize again.
        if (encoder instanceof StaticSentenceEncoder tokenVectors) {
            return tokenVectors.embedContentTokens(formatter.formatTokens(turns));
        }
        return encoder.embed(formatter.format(turns));
    }

    public int dimension() {
        return encoder.dimension();
    }

    /** The embedding space of every e(C) this returns ({@link SentenceEncoder#id()}). */
    public String encoderId() {
        return encoder.id();
    }
}
